package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Shared test inputs and helpers for table tests. */
final class Tables {
    private Tables() {
    }

    /**
     * {@code n} entries with unique user keys {@code key000000...} in order, sequence numbers 1.., every 11th a
     * deletion, values mostly compressible text with every 5th and runs of 40 random (so Snappy skips some blocks).
     */
    static List<TracingTableWriter.Entry> entries(int n, long seed) {
        Random r = new Random(seed);
        List<TracingTableWriter.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String user = String.format("key%06d", i * 3);
            boolean delete = i % 11 == 10;
            byte[] value;
            if (delete) {
                value = new byte[0];
            } else if (i % 5 == 0 || (i / 40) % 4 == 3) {
                value = new byte[20 + r.nextInt(120)];
                r.nextBytes(value);
            } else {
                value = ("value " + i + " ").repeat(1 + r.nextInt(12)).getBytes(StandardCharsets.US_ASCII);
            }
            out.add(new TracingTableWriter.Entry(TracingTableWriter.ikey(user, 1000 + i, delete ? ValueType.DELETION
                    : ValueType.VALUE), value));
        }
        return out;
    }

    /** Result of reading a whole table in salvage mode. */
    record Read(TableLayout layout, TableStats stats, List<TableEntry> entries, List<Damage> damage) {
        Set<String> verifiedPairs() {
            Set<String> s = new HashSet<>();
            for (TableEntry e : entries) {
                if (e.crcOk()) {
                    s.add(pair(e.rawKey(), e.value()));
                }
            }
            return s;
        }

        List<String> damageText() {
            return damage.stream().map(Damage::toString).toList();
        }
    }

    static Read read(String name, byte[] bytes) {
        return read(name, bytes, Limits.DEFAULT);
    }

    static Read read(String name, byte[] bytes, Limits limits) {
        List<Damage> damage = new ArrayList<>();
        TableReader reader = new TableReader(ByteSource.of(name, bytes), DamageSink.collectingInto(damage), limits);
        List<TableEntry> entries = new ArrayList<>();
        TableStats stats = reader.scan(entries::add);
        return new Read(reader.layout(), stats, entries, damage);
    }

    static String pair(byte[] key, byte[] value) {
        return Arrays.toString(key) + "=" + Arrays.toString(value);
    }

    static Set<String> pairs(List<TracingTableWriter.Entry> entries) {
        Set<String> s = new HashSet<>();
        for (TracingTableWriter.Entry e : entries) {
            s.add(pair(e.rawKey(), e.value()));
        }
        return s;
    }
}
