package dev.salvor.formats.examples;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.sqlite.SqliteChecker;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.formats.sqlite.SqliteSalvager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The README's check and salvage of an SQLite database with its write-ahead log. */
final class SqliteExample {

    /** What the check found. */
    record Checked(SqliteChecker.Report report, List<Damage> damage) {
    }

    /** What the salvage found: every row, and every damage. */
    record Salvaged(List<SqliteRow> rows, List<Damage> damage) {
    }

    private SqliteExample() {
    }

    static Checked check(Path dbFile, Path walFile) throws IOException {
        // tag::sqlite-check[]
        List<Damage> damage = new ArrayList<>();
        SqliteChecker.Report report;
        try (ByteSource db = ByteSource.open(dbFile); ByteSource wal = ByteSource.open(walFile)) {
            report = new SqliteChecker(Limits.DEFAULT).check(db, wal, null, DamageSink.collectingInto(damage));
        }
        // end::sqlite-check[]
        return new Checked(report, damage);
    }

    static Salvaged salvage(Path dbFile, Path walFile) throws IOException {
        // tag::sqlite-salvage[]
        List<Damage> damage = new ArrayList<>();
        List<SqliteRow> rows = new ArrayList<>(); // table(), rowid(), values(), state(), source(), page(), offset()
        try (ByteSource db = ByteSource.open(dbFile); ByteSource wal = ByteSource.open(walFile)) {
            // null in place of a WAL or a rollback journal that is not there; rows stream to the consumer
            new SqliteSalvager(Limits.DEFAULT).salvage(db, wal, null, DamageSink.collectingInto(damage), rows::add);
        }
        // end::sqlite-salvage[]
        return new Salvaged(rows, damage);
    }
}
