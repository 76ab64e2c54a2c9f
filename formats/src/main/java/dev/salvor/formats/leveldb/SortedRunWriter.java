package dev.salvor.formats.leveldb;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Writes a new LevelDB database directory holding one sorted, non-overlapping run of tables at level
 * {@value #LEVEL}, the layout C++ LevelDB opens without replaying or reordering anything:
 *
 * <pre>
 * 000005.ldb, 000006.ldb, ...  tables of about {@value #TABLE_BYTES} bytes ({@link TableWriter}), keys in order
 * MANIFEST-000002              one {@link VersionEdit} in log format ({@link LogWriter}): comparator, log number 0
 *                              (no log: nothing to replay), next file number past every file, last sequence, and
 *                              every table at level 1 with its number, exact size, smallest and largest key
 * CURRENT                      "MANIFEST-000002\n" (the newline is required)
 * </pre>
 *
 * Level 1, not 0: LevelDB searches level-0 files newest file number first and lets them overlap, while a level-1 run
 * is searched by key range, so a key's one version is found whichever table holds it.
 */
public final class SortedRunWriter {
    /** The level of every table. */
    public static final int LEVEL = 1;
    /** A table is closed once it reaches this many bytes (LevelDB's {@code max_file_size}). */
    public static final long TABLE_BYTES = 2L << 20;
    /** The MANIFEST's file number. */
    public static final long MANIFEST_NUMBER = 2;
    /** The first table's file number. */
    public static final long FIRST_TABLE_NUMBER = 5;
    /** The log number the MANIFEST names: 0, as {@code RepairDB} writes: no log is replayed. */
    public static final long LOG_NUMBER = 0;

    private final Path directory;
    private final CompressionType compression;
    private final UserKeyOrder order;
    private final boolean bloomFilter;
    private final List<FileMetaData> tables = new ArrayList<>();
    private long nextNumber = FIRST_TABLE_NUMBER;
    private FileOutputStream file;
    private OutputStream out;
    private TableWriter table;
    private long entries;

    /**
     * Creates {@code directory} (it must not exist; its parent must).
     *
     * @param compression the tables' block compression (none, Snappy or zstd)
     * @param bloomFilter whether each table gets a bloom filter block
     */
    public SortedRunWriter(Path directory, CompressionType compression, boolean bloomFilter) throws IOException {
        this(directory, compression, bloomFilter, UserKeyOrder.BYTEWISE);
    }

    /** As above, the user keys in {@code order} (the comparator {@link #finish} records must be that order's). */
    public SortedRunWriter(Path directory, CompressionType compression, boolean bloomFilter, UserKeyOrder order)
            throws IOException {
        this.order = java.util.Objects.requireNonNull(order);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.compression = compression;
        this.bloomFilter = bloomFilter;
        Files.createDirectory(directory);
    }

    /** Adds a key's value at {@code sequence}; user keys must strictly increase (in the writer's order). */
    public void put(byte[] userKey, long sequence, byte[] value) throws IOException {
        if (sequence < 0 || sequence > LogFormat.MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence: actual=" + sequence + " vs expected=0.."
                    + LogFormat.MAX_SEQUENCE);
        }
        if (table == null) {
            open();
        }
        table.add(new InternalKey(userKey, sequence, ValueType.VALUE).encode(), value);
        entries++;
        if (table.estimatedFileSize() >= TABLE_BYTES) {
            close();
        }
    }

    /** Entries added. */
    public long entries() {
        return entries;
    }

    /**
     * Finishes the last table and writes the MANIFEST, then CURRENT; returns the tables written.
     *
     * @param comparator   the comparator name to record (must be the one the keys are ordered by)
     * @param lastSequence the database's last sequence: at least every sequence written
     */
    public List<FileMetaData> finish(String comparator, long lastSequence) throws IOException {
        close();
        VersionEdit edit = VersionEdit.snapshot(comparator, LOG_NUMBER, nextNumber, lastSequence, tables);
        String manifest = String.format("MANIFEST-%06d", MANIFEST_NUMBER);
        try (FileOutputStream f = new FileOutputStream(directory.resolve(manifest).toFile());
             OutputStream o = new BufferedOutputStream(f)) {
            new LogWriter(o).addRecord(edit.encode());
            o.flush();
            f.getChannel().force(true);
        }
        Path current = directory.resolve("CURRENT");
        Files.write(current, (manifest + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        return Collections.unmodifiableList(tables);
    }

    /** Closes the open table file, if any, without finishing it (after a failure; the files stay as they are). */
    public void abandon() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the run already failed; the caller removes the directory
            }
            out = null;
            table = null;
        }
    }

    private void open() throws IOException {
        Path p = directory.resolve(String.format("%06d.ldb", nextNumber));
        file = new FileOutputStream(Files.createFile(p).toFile());
        out = new BufferedOutputStream(file, 1 << 16);
        table = new TableWriter(out, compression, bloomFilter, order);
    }

    /** Finishes the open table, if any, and records it. */
    private void close() throws IOException {
        if (table == null) {
            return;
        }
        try {
            long size = table.finish();
            out.flush();
            file.getChannel().force(true);
            tables.add(new FileMetaData(LEVEL, nextNumber, size, InternalKey.decode(table.smallest()),
                    InternalKey.decode(table.largest())));
            nextNumber++;
        } finally {
            out.close();
            out = null;
            table = null;
        }
    }
}
