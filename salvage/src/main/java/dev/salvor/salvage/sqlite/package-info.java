/** SQLite salvage through {@code dev.salvor.formats.sqlite}: a database file with its {@code -wal} and {@code -journal}. */
package dev.salvor.salvage.sqlite;
