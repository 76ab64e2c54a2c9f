/**
 * salvor's format library: read-only, byte-level parsers, checkers, salvagers and carving probes for LevelDB, SQLite
 * and hash-chained JSON event logs and ledgers. No command line, no printing, no JDBC.
 *
 * <p>Start with {@link dev.salvor.formats.core.ByteSource} (what every reader reads) and
 * {@link dev.salvor.formats.core.DamageSink} (where every damage goes), then the format's package:
 * {@link dev.salvor.formats.leveldb.LevelDbChecker}, {@link dev.salvor.formats.sqlite.SqliteSalvager},
 * {@link dev.salvor.formats.jsonlog.ChainVerifier}.
 */
@SuppressWarnings("requires-automatic") // snappy.java, see below
module dev.salvor.formats {
    exports dev.salvor.formats.core;
    exports dev.salvor.formats.carve;
    exports dev.salvor.formats.leveldb;
    exports dev.salvor.formats.sqlite;
    exports dev.salvor.formats.jsonlog;
    exports dev.salvor.formats.chromium;
    exports dev.salvor.formats.v8;

    // LevelDB block codecs. snappy-java (up to 1.1.10.8 at least) ships no module descriptor and no
    // Automatic-Module-Name, so its module name is the one derived from the jar's file name
    // (snappy-java-<version>.jar -> snappy.java); xerial/snappy-java#713 asks for a declared name.
    requires snappy.java;
    requires com.github.luben.zstd_jni;
    // Streaming JSON tokenizer of the event-log reader; JsonCanonicalizer's API takes its JsonParser and JsonFactory.
    requires transitive com.fasterxml.jackson.core;
}
