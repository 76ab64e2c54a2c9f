package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Crc32c;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared helpers for the log tests: deterministic payloads and a collecting read. */
final class LogTesting {
    static final String NAME = "test.log";

    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
        "hotel", "ledger", "invoice", "salvage", "sector", "journal", "record", "block", "archive"};

    private LogTesting() {
    }

    /** What one read produced. */
    record Result(List<LogicalRecord> records, List<Damage> damages, LogStats stats) {
        List<String> texts() {
            return damages.stream().map(Damage::toString).toList();
        }
    }

    static Result read(byte[] log) {
        return read(log, Limits.DEFAULT);
    }

    static Result read(byte[] log, Limits limits) {
        List<Damage> damages = new ArrayList<>();
        List<LogicalRecord> records = new ArrayList<>();
        LogStats stats = new LogReader(ByteSource.of(NAME, log), DamageSink.collectingInto(damages), limits)
                .read(records::add);
        return new Result(records, damages, stats);
    }

    /** Random bytes (seeded): the worst case for resynchronisation, like binary values. */
    static byte[] binary(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Word text (seeded), like most values in real databases. */
    static byte[] text(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(n + 16);
        while (sb.length() < n) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    /** The stored masked CRC of the header at {@code pos}, as Damage prints it. */
    static String storedCrc(byte[] log, int pos) {
        return Damage.hex32(ByteCursor.getFixed32(log, pos));
    }

    /** The masked CRC of type byte + {@code len} payload bytes after the header at {@code pos}. */
    static String computedCrc(byte[] log, int pos, int len) {
        return Damage.hex32(Crc32c.mask(Crc32c.of(log, pos + 6, 1 + len)));
    }
}
