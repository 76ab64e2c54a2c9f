/**
 * SQLite database, WAL and rollback-journal parsing and salvage, byte by byte, without any SQLite library.
 *
 * <p>Spec: <a href="https://www.sqlite.org/fileformat2.html">Database File Format</a> and
 * <a href="https://www.sqlite.org/walformat.html">WAL-mode File Format</a>. Entry points: {@link
 * dev.salvor.formats.sqlite.SqliteSalvager} (rows, live and recovered) and {@link
 * dev.salvor.formats.sqlite.SqliteChecker} (per-page and per-frame damage). Nothing here writes to an input.
 */
package dev.salvor.formats.sqlite;
