package dev.salvor.formats.sqlite;

/**
 * One row of {@code sqlite_schema} (page 1's table b-tree): {@code type, name, tbl_name, rootpage, sql}.
 *
 * @param type      "table", "index", "view" or "trigger"
 * @param name      object name
 * @param tableName table the object belongs to
 * @param rootPage  root page of its b-tree (0 for views, triggers and virtual tables)
 * @param sql       the CREATE statement (null for automatic indexes)
 * @param table     the parsed table shape for tables, else {@code null}
 * @see <a href="https://www.sqlite.org/fileformat2.html#storage_of_the_sql_database_schema">fileformat2: schema</a>
 */
public record SchemaEntry(String type, String name, String tableName, long rootPage, String sql, TableSchema table) {

    /** A table with a b-tree (not a view or a virtual table). */
    public boolean isStoredTable() {
        return "table".equals(type) && rootPage > 0 && table != null;
    }
}
