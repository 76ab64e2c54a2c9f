package dev.salvor.formats.chromium;

import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of Chromium's LevelDB scopes, the undo log of IndexedDB on LevelDB ({@code components/services/storage/
 * indexed_db/scopes}: {@code leveldb_scopes_coding.cc}, {@code scopes_metadata.proto}). A transaction too large to
 * commit in one write batch writes its changes as it goes, and before each change an undo task that would put back
 * what the key held: the old value of an overwritten record ({@code put}), or a {@code delete} of a key it creates.
 * The tasks are deleted once the scope is committed and cleaned up, so they stay on disk as deleted versions (in the
 * log, or in tables until compaction): for a forensic reader, old values of records that were overwritten or deleted.
 *
 * <p>Keys, after IndexedDB's scopes prefix {@code 00 00 00 00 32}: {@code 00} global metadata (value
 * {@code LevelDBScopesMetadata {int64 version = 1}}); {@code 01 <VarInt scope>} a scope's metadata
 * ({@code LevelDBScopesScopeMetadata {repeated LevelDBLeveledLock locks = 1 {int64 level = 1; KeyRange range = 2};
 * bool ignore_cleanup_tasks = 2}}); {@code 02 <VarInt scope> 00 <u64 big-endian sequence>} an undo task
 * ({@code LevelDBScopesUndoTask: oneof put = 1 {bytes key = 1; bytes value = 2}, delete = 2 {bytes key = 1},
 * delete_range = 3 KeyRange}); {@code 02 <VarInt scope> 01 <u64>} a cleanup task ({@code LevelDBScopesCleanupTask:
 * oneof delete_range = 1, delete_range_and_compact = 2}); {@code KeyRange {bytes begin = 1; bytes end = 2}}. Sequence
 * numbers count down from 2^63-1, so the first task of a scope has the largest.
 *
 * <p>Hostile input: every length is checked against the bytes left, at most {@value #MAX_LOCKS} locks are kept, and
 * what does not decode is said in {@link #problem()} with the rest kept.
 *
 * @param kind      which entry the key names
 * @param scope     the scope number, or -1 (global metadata, or a key that did not decode)
 * @param sequence  the task's sequence number, or -1
 * @param operation undo/cleanup tasks: {@code put}, {@code delete}, {@code delete_range} or
 *                  {@code delete_range_and_compact}; else null
 * @param key       the task's target key ({@code put}, {@code delete}) or range begin, else null
 * @param value     a {@code put} task's value (what the target key held), else null
 * @param end       a range's end, else null
 * @param version   global metadata: the scopes version, else -1
 * @param locks     scope metadata: the scope's locks (level and key range), else empty
 * @param ignoreCleanupTasks scope metadata: whether cleanup tasks are skipped
 * @param problem   why the key or value did not (fully) decode, else null
 */
public record ScopesEntry(Kind kind, long scope, long sequence, String operation, byte[] key, byte[] value,
                          byte[] end, long version, List<Lock> locks, boolean ignoreCleanupTasks, String problem) {
    /** The most locks kept from one scope's metadata. */
    public static final int MAX_LOCKS = 1024;

    static final int GLOBAL_METADATA = 0x00;
    static final int SCOPE_METADATA = 0x01;
    static final int LOG = 0x02;
    static final int UNDO_TASKS = 0x00;
    static final int CLEANUP_TASKS = 0x01;

    /** The entries of the scopes key space. */
    public enum Kind {
        GLOBAL_METADATA("global_metadata"), SCOPE_METADATA("scope_metadata"), UNDO_TASK("undo_task"),
        CLEANUP_TASK("cleanup_task"), UNKNOWN("unknown");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name in the JSON output. */
        public String id() {
            return id;
        }
    }

    /** A lock of a scope: a level and a key range. */
    public record Lock(long level, byte[] begin, byte[] end) {
    }

    public ScopesEntry {
        locks = List.copyOf(locks);
    }

    /**
     * Decodes the scopes key that starts at {@code from} in {@code userKey} (just after the scopes prefix) and its
     * {@code value} (null for a deletion). Never throws: what does not decode is in {@link #problem()}.
     */
    public static ScopesEntry decode(byte[] userKey, int from, byte[] value) {
        if (userKey == null || from < 0 || from >= userKey.length) {
            return new ScopesEntry(Kind.UNKNOWN, -1, -1, null, null, null, null, -1, List.of(), false,
                    "scopes key: actual=no byte after the scopes prefix vs expected=0x00, 0x01 or 0x02");
        }
        IdbReader in = new IdbReader(userKey, from, userKey.length - from);
        Kind kind;
        long scope = -1;
        long sequence = -1;
        try {
            int type = in.readByte();
            switch (type) {
                case GLOBAL_METADATA -> kind = Kind.GLOBAL_METADATA;
                case SCOPE_METADATA -> {
                    kind = Kind.SCOPE_METADATA;
                    scope = in.readVarint();
                }
                case LOG -> {
                    scope = in.readVarint();
                    int log = in.readByte();
                    if (log != UNDO_TASKS && log != CLEANUP_TASKS) {
                        throw new Malformed(DamageKind.BAD_KEY, in.position() - 1, "scopes task log byte: actual="
                                + log + " vs expected=0 (undo) or 1 (cleanup)");
                    }
                    kind = log == UNDO_TASKS ? Kind.UNDO_TASK : Kind.CLEANUP_TASK;
                    if (in.remaining() < 8) {
                        throw in.malformed("scopes task sequence: actual=" + in.remaining()
                                + " byte(s) vs expected=8 (big-endian)");
                    }
                    sequence = bigEndian(in.readBytes(8));
                }
                default -> throw new Malformed(DamageKind.BAD_KEY, in.position() - 1, "scopes key type: actual="
                        + type + " vs expected=0 (metadata), 1 (scope metadata) or 2 (task log)");
            }
            if (in.hasRemaining()) {
                throw in.malformed("scopes key: actual=" + in.remaining() + " byte(s) after it vs expected=0");
            }
        } catch (Malformed e) {
            return new ScopesEntry(Kind.UNKNOWN, scope, sequence, null, null, null, null, -1, List.of(), false,
                    "scopes key: " + e.detail() + " (at +" + e.position() + ")");
        }
        if (value == null) {
            return new ScopesEntry(kind, scope, sequence, null, null, null, null, -1, List.of(), false, null);
        }
        Value v = new Value();
        String problem = null;
        try {
            switch (kind) {
                case GLOBAL_METADATA -> globalMetadata(new IdbReader(value), v);
                case SCOPE_METADATA -> scopeMetadata(new IdbReader(value), v);
                default -> task(new IdbReader(value), kind, v);
            }
        } catch (Malformed e) {
            problem = "scopes value: " + e.detail() + " (at +" + e.position() + ")";
        }
        if (problem == null && v.problem != null) {
            problem = v.problem;
        }
        return new ScopesEntry(kind, scope, sequence, v.operation, v.key, v.value, v.end, v.version, v.locks,
                v.ignoreCleanup, problem);
    }

    /** A big-endian u64 (the task sequence number; not a LevelDB Int, which is little-endian). */
    private static long bigEndian(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = v << 8 | (x & 0xFF);
        }
        return v;
    }

    /** What a value held, filled field by field. */
    private static final class Value {
        String operation;
        byte[] key;
        byte[] value;
        byte[] end;
        long version = -1;
        final List<Lock> locks = new ArrayList<>();
        boolean ignoreCleanup;
        String problem;
    }

    /** One protobuf field: its number, wire type and, for length-delimited ones, the bytes. */
    private record Field(int number, int wire, long varint, byte[] bytes) {
    }

    /** Reads the next field (wire types 0, 1, 2, 5; the others are not in these messages). */
    private static Field field(IdbReader in) {
        int at = in.position();
        long tag = in.readVarint();
        int number = (int) Math.min(tag >>> 3, Integer.MAX_VALUE);
        int wire = (int) (tag & 7);
        switch (wire) {
            case 0:
                return new Field(number, wire, in.readVarint(), null);
            case 1:
                in.skip(8);
                return new Field(number, wire, 0, null);
            case 2:
                return new Field(number, wire, 0, in.readBytes(in.readCount(1, "protobuf field length")));
            case 5:
                in.skip(4);
                return new Field(number, wire, 0, null);
            default:
                throw new Malformed(DamageKind.BAD_STRUCTURE, at, "protobuf wire type: actual=" + wire
                        + " vs expected=0, 1, 2 or 5");
        }
    }

    private static void globalMetadata(IdbReader in, Value v) {
        while (in.hasRemaining()) {
            Field f = field(in);
            if (f.number == 1 && f.wire == 0) {
                v.version = f.varint;
            }
        }
    }

    private static void scopeMetadata(IdbReader in, Value v) {
        while (in.hasRemaining()) {
            Field f = field(in);
            if (f.number == 1 && f.wire == 2) {
                if (v.locks.size() >= MAX_LOCKS) {
                    v.problem = "scope metadata: more than " + MAX_LOCKS + " locks; the rest not kept";
                    continue;
                }
                long level = 0;
                byte[][] range = {null, null};
                IdbReader lock = new IdbReader(f.bytes);
                while (lock.hasRemaining()) {
                    Field g = field(lock);
                    if (g.number == 1 && g.wire == 0) {
                        level = g.varint;
                    } else if (g.number == 2 && g.wire == 2) {
                        range = range(g.bytes);
                    }
                }
                v.locks.add(new Lock(level, range[0], range[1]));
            } else if (f.number == 2 && f.wire == 0) {
                v.ignoreCleanup = f.varint != 0;
            }
        }
    }

    /** An undo or cleanup task: the last operation field wins, as protobuf's oneof does. */
    private static void task(IdbReader in, Kind kind, Value v) {
        while (in.hasRemaining()) {
            Field f = field(in);
            if (f.wire != 2) {
                continue;
            }
            String op = kind == Kind.UNDO_TASK
                    ? (f.number == 1 ? "put" : f.number == 2 ? "delete" : f.number == 3 ? "delete_range" : null)
                    : (f.number == 1 ? "delete_range" : f.number == 2 ? "delete_range_and_compact" : null);
            if (op == null) {
                continue;
            }
            v.operation = op;
            v.key = null;
            v.value = null;
            v.end = null;
            if (op.startsWith("delete_range")) {
                byte[][] r = range(f.bytes);
                v.key = r[0];
                v.end = r[1];
                continue;
            }
            IdbReader m = new IdbReader(f.bytes);
            while (m.hasRemaining()) {
                Field g = field(m);
                if (g.number == 1 && g.wire == 2) {
                    v.key = g.bytes;
                } else if (g.number == 2 && g.wire == 2 && op.equals("put")) {
                    v.value = g.bytes;
                }
            }
            // proto3 leaves empty bytes out: a put or delete without a key names the empty key
            if (v.key == null) {
                v.key = new byte[0];
            }
            if (op.equals("put") && v.value == null) {
                v.value = new byte[0];
            }
        }
    }

    /** A {@code LevelDBScopesKeyRange}: begin and end (empty when left out). */
    private static byte[][] range(byte[] b) {
        byte[][] r = {new byte[0], new byte[0]};
        IdbReader in = new IdbReader(b);
        while (in.hasRemaining()) {
            Field f = field(in);
            if ((f.number == 1 || f.number == 2) && f.wire == 2) {
                r[f.number - 1] = f.bytes;
            }
        }
        return r;
    }
}
