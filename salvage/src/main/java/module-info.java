/**
 * salvor's salvage pipeline, reports, carving, backup and restore, and its command line ({@code dev.salvor.cli},
 * not an API) over {@code dev.salvor.formats}.
 */
module dev.salvor.salvage {
    exports dev.salvor.salvage;
    exports dev.salvor.salvage.backup;
    exports dev.salvor.salvage.carve;
    exports dev.salvor.salvage.chromium;
    exports dev.salvor.salvage.jsonlog;
    exports dev.salvor.salvage.leveldb;
    exports dev.salvor.salvage.report;
    exports dev.salvor.salvage.sqlite;

    // The pipeline's API speaks in the library's types (SourceSet, Damage, Limits, FileResult).
    requires transitive dev.salvor.formats;
    requires com.fasterxml.jackson.databind;
    // tar.gz backup archives.
    requires org.apache.commons.compress;
    // The ledger's JDBC source (its API takes a Connection); the PostgreSQL driver (org.postgresql.jdbc) is found
    // by DriverManager at run time, not named here.
    requires transitive java.sql;
    // salvor rebuild writes a new SQLite database (never the evidence) through the real SQLite: sqlite-jdbc, whose
    // Collation API stands in for collations only the application defines.
    requires org.xerial.sqlitejdbc;
    // The process CPU time `salvor carve` reports (com.sun.management.OperatingSystemMXBean).
    requires jdk.management;
    requires info.picocli;

    // picocli sets the commands' annotated private fields and creates the command objects by reflection.
    opens dev.salvor.cli to info.picocli;
}
