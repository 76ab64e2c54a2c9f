package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page versions a reader saw at one WAL commit ({@link WalReader#commitOf}, {@link WalReader#frameAsOf}), on WALs
 * built frame by frame with valid checksums: page numbers out of order and up to 2^32-1, several transactions, a
 * transaction that never committed, a broken checksum chain, frames of another generation (other salts).
 */
class WalSnapshotTest {
    private static final int PS = 512;
    private static final int SALT1 = 0x11223344;
    private static final int SALT2 = 0x55667788;

    /** A WAL of 512-byte pages: frames given as {page, commit size, salt-1, break}, checksummed as SQLite does. */
    private static WalReader wal(long[]... frames) {
        ByteBuffer h = ByteBuffer.allocate(WalHeader.SIZE);
        h.putInt((int) WalHeader.MAGIC_BE).putInt(3007000).putInt(PS).putInt(0).putInt(SALT1).putInt(SALT2);
        int[] s = WalChecksum.update(0, 0, h.array(), 0, 24, true);
        h.putInt(s[0]).putInt(s[1]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        for (long[] f : frames) {
            ByteBuffer b = ByteBuffer.allocate(WalFrame.HEADER_SIZE + PS);
            b.putInt((int) f[0]).putInt((int) f[1]).putInt((int) f[2]).putInt(SALT2);
            b.put(WalFrame.HEADER_SIZE, (byte) f[0]); // page bytes tell the frames apart
            int[] c = WalChecksum.update(s[0], s[1], b.array(), 0, 8, true);
            c = WalChecksum.update(c[0], c[1], b.array(), WalFrame.HEADER_SIZE, PS, true);
            if (f[2] == SALT1) {
                s = c; // an older generation's frame does not continue this chain
            }
            b.putInt(16, c[0] ^ (int) f[3]).putInt(20, c[1]);
            out.writeBytes(b.array());
        }
        return WalReader.read(ByteSource.of("t.db-wal", out.toByteArray()), PS, DamageSink.IGNORE);
    }

    @Test
    void eachCommitSeesItsOwnVersions() {
        WalReader w = wal(
                new long[] {3, 0, SALT1, 0}, new long[] {0xffffffffL, 0, SALT1, 0}, new long[] {2, 5, SALT1, 0}, // 0-2
                new long[] {3, 0, SALT1, 0}, new long[] {2, 6, SALT1, 0}, // 3-4
                new long[] {3, 0, SALT1, 0}, new long[] {4, 7, SALT1, 0}, // 5-6
                new long[] {3, 0, SALT1, 0}); // 7: never committed
        assertEquals(0, w.frameAsOf(3, w.commitOf(w.frames().get(0))));
        assertEquals(2, w.commitOf(w.frames().get(1)));
        assertEquals(1, w.frameAsOf(0xffffffffL, 2));
        assertEquals(1, w.frameAsOf(0xffffffffL, 6), "not rewritten since");
        assertEquals(3, w.frameAsOf(3, w.commitOf(w.frames().get(4))));
        assertEquals(5, w.frameAsOf(3, 6));
        assertNull(w.frameAsOf(4, 4), "page 4 came later: the main file's");
        assertNull(w.frameAsOf(1, 6), "never in the WAL");
        assertEquals(-1, w.commitOf(w.frames().get(7)), "uncommitted: no snapshot");
        assertEquals(5, w.frameAsOf(3, 6), "no committed view sees the uncommitted frame");
        assertEquals(7, w.snapshotEndOf(w.frames().get(7)), "the transaction that never committed: its last frame");
        assertEquals(7, w.frameAsOf(3, 7), "its own view sees its frame");
        assertEquals(7, w.pageCountAsOf(7, 1), "its view: the last commit's 7 pages (its frames reach no further)");
        assertNull(w.frameAsOf(0, 6));
        assertNull(w.frameAsOf(1L << 32, 6));
        assertNull(w.frameAsOf(3, -1), "the main file alone");
    }

    @Test
    void framesAfterTheBreakAndOfAnOlderGenerationSeeTheirOwnTransactions() {
        WalReader w = wal(new long[] {3, 2, SALT1, 0}, new long[] {3, 0, 0x0bad0bad, 0},
                new long[] {3, 4, SALT1, 1}, new long[] {3, 4, SALT1, 0});
        assertEquals(0, w.commitOf(w.frames().get(0)));
        assertEquals(WalFrame.Status.OLD_GENERATION, w.frames().get(1).status());
        assertEquals(-1, w.commitOf(w.frames().get(1)));
        assertEquals(-1, w.commitOf(w.frames().get(2)), "broken");
        assertEquals(-1, w.commitOf(w.frames().get(3)), "after the break");
        assertEquals(0, w.frameAsOf(3, 0), "the committed view never sees the frames after the break");
        assertEquals(2, w.snapshotEndOf(w.frames().get(2)), "after the break: its own transaction, ended by itself");
        assertEquals(3, w.snapshotEndOf(w.frames().get(3)), "a commit frame after the break ends its own transaction");
        assertEquals(2, w.frameAsOf(3, 2));
        assertEquals(3, w.frameAsOf(3, 3));
        assertEquals(1, w.snapshotEndOf(w.frames().get(1)), "an older generation's run of one frame");
        assertEquals(1, w.frameAsOf(3, 1), "its own frame");
        assertNull(w.frameAsOf(2, 1), "not in its run: unknown");
        assertFalse(w.viewHasMainFile(1), "an older generation's view has no main file beneath");
        assertTrue(w.viewHasMainFile(0));
    }
}
