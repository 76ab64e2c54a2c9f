package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;

/**
 * How the rows of an SQLite input are stated before they are counted and written. The salvager states each row as
 * the files it read show it; an input assembled by carving may know more: a rollback journal found without its
 * database holds only older versions of pages (its view's {@code live} rows are in fact superseded), and lone pages
 * carved behind a schema page are numbered by their place among the lone pages, not by their place in the assembled
 * file. A salvage of ordinary files uses {@link #NONE}.
 */
@FunctionalInterface
public interface SqliteRowRestatement {
    /** Every row as the salvager stated it. */
    SqliteRowRestatement NONE = row -> row;

    /** The row as it is counted and written ({@code row} itself when nothing changes). */
    SqliteRow restate(SqliteRow row);
}
