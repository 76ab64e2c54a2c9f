package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.DamageSink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link VersionEdit#encode()}: the bytes of version_edit.cc's EncodeTo, decoded back. */
class VersionEditEncodingTest {

    @Test
    void aSnapshotEncodesTheMandatoryFieldsAndItsFilesAndDecodesBack() {
        InternalKey small = new InternalKey("a".getBytes(StandardCharsets.UTF_8), 7, ValueType.VALUE);
        InternalKey large = new InternalKey("zz".getBytes(StandardCharsets.UTF_8), 300, ValueType.VALUE);
        VersionEdit e = VersionEdit.snapshot("leveldb.BytewiseComparator", 0, 6, 300,
                List.of(new FileMetaData(1, 5, 2_000_000, small, large)));
        byte[] bytes = e.encode();
        byte[] head = {1, 26};
        assertArrayEquals(head, java.util.Arrays.copyOf(bytes, 2), "tag 1, then the name's length");
        VersionEdit d = VersionEdit.decode(bytes, "MANIFEST", 0, DamageSink.STRICT);
        assertTrue(d.complete());
        assertEquals("leveldb.BytewiseComparator", d.comparator().orElseThrow());
        assertEquals(0, d.logNumber().orElseThrow());
        assertEquals(6, d.nextFileNumber().orElseThrow());
        assertEquals(300, d.lastSequence().orElseThrow());
        assertTrue(d.prevLogNumber().isEmpty());
        assertEquals(List.of(new FileMetaData(1, 5, 2_000_000, small, large)), d.newFiles());
        // tag 2 (log number) 0, tag 3 (next file) 6, tag 4 (last sequence) 300 = ac 02, then tag 7
        int at = 2 + 26;
        assertArrayEquals(new byte[] {2, 0, 3, 6, 4, (byte) 0xac, 0x02, 7, 1, 5},
                java.util.Arrays.copyOfRange(bytes, at, at + 10));
    }
}
