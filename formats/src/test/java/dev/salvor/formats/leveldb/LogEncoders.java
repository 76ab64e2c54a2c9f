package dev.salvor.formats.leveldb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test-only encoders for write batches and version edits, following write_batch.cc and version_edit.cc. */
final class LogEncoders {
    private LogEncoders() {
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static void fixed(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    static void lengthPrefixed(ByteArrayOutputStream out, byte[] b) {
        varint(out, b.length);
        out.writeBytes(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Builds a write batch; {@link #count(int)} overrides the header count to make damaged variants. */
    static final class Batch {
        private final long sequence;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int count;
        private Integer countOverride;

        Batch(long sequence) {
            this.sequence = sequence;
        }

        Batch put(byte[] key, byte[] value) {
            body.write(1);
            lengthPrefixed(body, key);
            lengthPrefixed(body, value);
            count++;
            return this;
        }

        Batch put(String key, String value) {
            return put(utf8(key), utf8(value));
        }

        Batch delete(byte[] key) {
            body.write(0);
            lengthPrefixed(body, key);
            count++;
            return this;
        }

        Batch delete(String key) {
            return delete(utf8(key));
        }

        Batch count(int c) {
            countOverride = c;
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fixed(out, sequence, 8);
            fixed(out, countOverride != null ? countOverride : count, 4);
            out.writeBytes(body.toByteArray());
            return out.toByteArray();
        }
    }

    /** Builds a version edit field by field (in the caller's order; LevelDB's EncodeTo order is a convention). */
    static final class Edit {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Edit comparator(String name) {
            varint(out, 1);
            lengthPrefixed(out, utf8(name));
            return this;
        }

        Edit logNumber(long n) {
            varint(out, 2);
            varint(out, n);
            return this;
        }

        Edit nextFileNumber(long n) {
            varint(out, 3);
            varint(out, n);
            return this;
        }

        Edit lastSequence(long n) {
            varint(out, 4);
            varint(out, n);
            return this;
        }

        Edit compactPointer(int level, InternalKey key) {
            varint(out, 5);
            varint(out, level);
            lengthPrefixed(out, key.encode());
            return this;
        }

        Edit deletedFile(int level, long number) {
            varint(out, 6);
            varint(out, level);
            varint(out, number);
            return this;
        }

        Edit newFile(int level, long number, long size, byte[] smallest, byte[] largest) {
            varint(out, 7);
            varint(out, level);
            varint(out, number);
            varint(out, size);
            lengthPrefixed(out, smallest);
            lengthPrefixed(out, largest);
            return this;
        }

        Edit prevLogNumber(long n) {
            varint(out, 9);
            varint(out, n);
            return this;
        }

        Edit raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
