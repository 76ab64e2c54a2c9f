package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A table's shape parsed from its {@code CREATE TABLE} statement: column names and declared types, the INTEGER
 * PRIMARY KEY rowid alias, WITHOUT ROWID and the primary-key order (a WITHOUT ROWID table's records store the key
 * columns first).
 *
 * <p>Rowid alias rule (lang_createtable.html#rowid): a column whose declared type is exactly {@code INTEGER} and
 * which is the table's only PRIMARY KEY column, in a rowid table. The column-constraint form
 * {@code INTEGER PRIMARY KEY DESC} is a historical exception and is NOT an alias (the value is stored in the record);
 * the table-constraint form {@code PRIMARY KEY(x DESC)} is an alias.
 *
 * @param name          table name (unquoted)
 * @param columns       column names in declaration order
 * @param types         declared types (upper case, may be empty)
 * @param rowidAlias    index of the INTEGER PRIMARY KEY alias column, or -1
 * @param withoutRowid  a WITHOUT ROWID table (stored in an index b-tree)
 * @param primaryKey    indexes of the primary-key columns in key order (empty if none)
 */
public record TableSchema(String name, List<String> columns, List<String> types, int rowidAlias,
                          boolean withoutRowid, List<Integer> primaryKey) {

    /** Number of columns. */
    public int columnCount() {
        return columns.size();
    }

    /**
     * Column order inside a stored record: for rowid tables the declaration order; for WITHOUT ROWID tables the
     * key columns first, then the others in declaration order. {@code storageOrder().get(i)} is the declared
     * index of the i-th stored value.
     */
    public List<Integer> storageOrder() {
        List<Integer> order = new ArrayList<>();
        if (withoutRowid) {
            order.addAll(primaryKey);
        }
        for (int i = 0; i < columns.size(); i++) {
            if (!order.contains(i)) {
                order.add(i);
            }
        }
        return order;
    }

    /**
     * Parses a CREATE TABLE statement; {@code null} if it is not one this parser understands (virtual tables,
     * {@code CREATE TABLE ... AS SELECT}).
     */
    public static TableSchema parse(String sql) {
        if (sql == null) {
            return null;
        }
        List<String> toks = SqlTokens.tokenize(sql);
        int i = 0;
        if (!kw(toks, i++, "CREATE")) {
            return null;
        }
        if (kw(toks, i, "TEMP") || kw(toks, i, "TEMPORARY")) {
            i++;
        }
        if (!kw(toks, i++, "TABLE")) {
            return null;
        }
        if (kw(toks, i, "IF")) {
            i += 3;
        }
        if (i >= toks.size()) {
            return null;
        }
        String name = SqlTokens.unquote(toks.get(i++));
        if (i < toks.size() && toks.get(i).equals(".")) {
            if (i + 1 >= toks.size()) {
                return null;
            }
            name = SqlTokens.unquote(toks.get(i + 1));
            i += 2;
        }
        if (i >= toks.size() || !toks.get(i).equals("(")) {
            return null;
        }
        i++;
        List<List<String>> parts = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int depth = 0;
        for (; i < toks.size(); i++) {
            String t = toks.get(i);
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (t.equals(",") && depth == 0) {
                parts.add(cur);
                cur = new ArrayList<>();
                continue;
            }
            cur.add(t);
        }
        if (!cur.isEmpty()) {
            parts.add(cur);
        }
        boolean withoutRowid = false;
        for (int j = i + 1; j + 1 < toks.size(); j++) {
            if (kw(toks, j, "WITHOUT") && kw(toks, j + 1, "ROWID")) {
                withoutRowid = true;
            }
        }
        List<String> cols = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Integer> pk = new ArrayList<>();
        int colPkIndex = -1;
        boolean colPkDesc = false;
        List<String> tablePk = null;
        for (List<String> part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            String first = part.get(0).toUpperCase(Locale.ROOT);
            if (first.equals("CONSTRAINT") || first.equals("PRIMARY") || first.equals("UNIQUE")
                    || first.equals("CHECK") || first.equals("FOREIGN")) {
                int k = first.equals("CONSTRAINT") ? 2 : 0;
                if (kw(part, k, "PRIMARY") && kw(part, k + 1, "KEY")) {
                    tablePk = new ArrayList<>();
                    int d = 0;
                    boolean expectName = true;
                    for (int m = k + 2; m < part.size(); m++) {
                        String t = part.get(m);
                        if (t.equals("(")) {
                            d++;
                            if (d == 1) {
                                expectName = true;
                            }
                            continue;
                        }
                        if (t.equals(")")) {
                            d--;
                            if (d == 0) {
                                break;
                            }
                            continue;
                        }
                        if (d == 1 && t.equals(",")) {
                            expectName = true;
                        } else if (d == 1 && expectName) {
                            tablePk.add(SqlTokens.unquote(t));
                            expectName = false;
                        }
                    }
                }
                continue;
            }
            cols.add(SqlTokens.unquote(part.get(0)));
            StringBuilder type = new StringBuilder();
            int k = 1;
            for (; k < part.size(); k++) {
                String u = part.get(k).toUpperCase(Locale.ROOT);
                if (isConstraintStart(u)) {
                    break;
                }
                if (u.equals("(")) {
                    // type arguments like VARCHAR(10): skip to the closing parenthesis
                    int d = 0;
                    for (; k < part.size(); k++) {
                        if (part.get(k).equals("(")) {
                            d++;
                        } else if (part.get(k).equals(")") && --d == 0) {
                            break;
                        }
                    }
                    continue;
                }
                if (type.length() > 0) {
                    type.append(' ');
                }
                type.append(SqlTokens.unquote(part.get(k)).toUpperCase(Locale.ROOT));
            }
            types.add(type.toString());
            for (; k + 1 < part.size(); k++) {
                if (kw(part, k, "PRIMARY") && kw(part, k + 1, "KEY")) {
                    colPkIndex = cols.size() - 1;
                    colPkDesc = kw(part, k + 2, "DESC");
                }
            }
        }
        if (cols.isEmpty()) {
            return null;
        }
        if (tablePk != null) {
            for (String c : tablePk) {
                int idx = indexOfIgnoreCase(cols, c);
                if (idx >= 0) {
                    pk.add(idx);
                }
            }
        } else if (colPkIndex >= 0) {
            pk.add(colPkIndex);
        }
        int alias = -1;
        if (!withoutRowid && pk.size() == 1 && types.get(pk.get(0)).equals("INTEGER")
                && !(tablePk == null && colPkDesc)) {
            alias = pk.get(0);
        }
        return new TableSchema(name, Collections.unmodifiableList(cols), Collections.unmodifiableList(types), alias,
                withoutRowid, Collections.unmodifiableList(pk));
    }

    private static boolean isConstraintStart(String u) {
        switch (u) {
            case "CONSTRAINT": case "PRIMARY": case "NOT": case "NULL": case "UNIQUE": case "CHECK":
            case "DEFAULT": case "COLLATE": case "REFERENCES": case "GENERATED": case "AS":
                return true;
            default:
                return false;
        }
    }

    private static int indexOfIgnoreCase(List<String> l, String s) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).equalsIgnoreCase(s)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean kw(List<String> toks, int i, String k) {
        return i < toks.size() && toks.get(i).equalsIgnoreCase(k);
    }
}
