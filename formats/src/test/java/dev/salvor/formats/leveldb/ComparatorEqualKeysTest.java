package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Progress;
import dev.salvor.formats.core.SourceSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keys that a database's comparator calls equal but whose bytes differ are one user key, as LevelDB sees them
 * (Chromium's IndexedDB writes 0 and −0 so): the newest version is live, the older superseded, each with its own bytes;
 * a table holding both, newest first, is in order.
 *
 * <p>The comparator here, {@code test.caseless}, orders ASCII keys ignoring case, so {@code "Key"} and {@code "KEY"}
 * are one key.
 */
class ComparatorEqualKeysTest {
    /** ASCII letters compare without case; every other byte as itself. */
    static final UserKeyOrder CASELESS = new UserKeyOrder() {
        @Override
        public String comparatorName() {
            return "test.caseless";
        }

        @Override
        public int compare(byte[] a, byte[] b) {
            return String.CASE_INSENSITIVE_ORDER.compare(new String(a, StandardCharsets.ISO_8859_1),
                    new String(b, StandardCharsets.ISO_8859_1));
        }
    };
    static final UserKeyOrder.Resolver RESOLVER = name -> CASELESS.comparatorName().equals(name) ? CASELESS
            : UserKeyOrder.BYTEWISE;

    @TempDir
    Path dir;

    private void database(boolean withTable) throws IOException {
        Files.writeString(dir.resolve("CURRENT"), "MANIFEST-000002\n");
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        new LogWriter(manifest).addRecord(new LogEncoders.Edit().comparator(CASELESS.comparatorName()).logNumber(3)
                .nextFileNumber(5).lastSequence(5).bytes());
        Files.write(dir.resolve("MANIFEST-000002"), manifest.toByteArray());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LogWriter w = new LogWriter(log);
        w.addRecord(new LogEncoders.Batch(1).put("Key", "first").bytes());
        w.addRecord(new LogEncoders.Batch(2).put("other", "x").bytes());
        w.addRecord(new LogEncoders.Batch(3).put("KEY", "second").bytes());
        Files.write(dir.resolve("000003.log"), log.toByteArray());
        if (withTable) {
            // a flushed memtable: the two versions of "kEy"/"key", newest first, as LevelDB's internal order puts them
            ByteArrayOutputStream table = new ByteArrayOutputStream();
            TableWriter t = new TableWriter(table, CompressionType.NONE, false, CASELESS);
            t.add(new InternalKey(LogEncoders.utf8("kEy"), 5, ValueType.VALUE).encode(), LogEncoders.utf8("t5"));
            t.add(new InternalKey(LogEncoders.utf8("key"), 4, ValueType.VALUE).encode(), LogEncoders.utf8("t4"));
            t.finish();
            Files.write(dir.resolve("000004.ldb"), table.toByteArray());
        }
    }

    private List<String> salvage() throws IOException {
        LevelDbSalvager s = new LevelDbSalvager(LevelDbLayout.of(SourceSet.of(dir)), Limits.DEFAULT, null, 1L << 20, 1)
                .keyOrders(RESOLVER);
        List<String> out = new ArrayList<>();
        s.run((e, state, copies, stale) -> out.add(new String(e.userKey(), StandardCharsets.US_ASCII) + "@"
                + e.sequence() + "=" + state.id()), Progress.NONE);
        return out;
    }

    @Test
    void theNewerSpellingSupersedesTheOlderInTheLog() throws IOException {
        database(false);
        assertEquals(List.of("KEY@3=" + RecordState.LIVE.id(), "Key@1=" + RecordState.SUPERSEDED.id(),
                "other@2=" + RecordState.LIVE.id()), salvage());
    }

    @Test
    void aTableHoldingBothSpellingsIsInOrderAndMergesWithTheLog() throws IOException {
        database(true);
        List<FileResult> checked = new LevelDbChecker(LevelDbLayout.of(SourceSet.of(dir)), Limits.DEFAULT, 1)
                .keyOrders(RESOLVER).run(Progress.NONE);
        List<Damage> damages = checked.stream().filter(r -> r.file().equals("000004.ldb"))
                .flatMap(r -> r.damages().stream()).toList();
        assertEquals(List.of(), damages);
        assertEquals(List.of("kEy@5=" + RecordState.LIVE.id(), "key@4=" + RecordState.SUPERSEDED.id(),
                "KEY@3=" + RecordState.SUPERSEDED.id(), "Key@1=" + RecordState.SUPERSEDED.id(),
                "other@2=" + RecordState.LIVE.id()), salvage());
    }

    @Test
    void bytewiseOrderKeepsEverySpellingApart() {
        assertEquals(false, UserKeyOrder.BYTEWISE.sameKey(LogEncoders.utf8("Key"), LogEncoders.utf8("KEY")));
        assertEquals(true, CASELESS.sameKey(LogEncoders.utf8("Key"), LogEncoders.utf8("KEY")));
    }
}
