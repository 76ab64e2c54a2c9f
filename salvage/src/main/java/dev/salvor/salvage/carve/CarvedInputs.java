package dev.salvor.salvage.carve;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.sqlite.RowState;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.sqlite.SqliteRowRestatement;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The inputs of {@code salvage --carve IMAGE}: the image is carved into a private temporary directory (beside the
 * output), LevelDB tables and logs together in one directory (so the LevelDB salvage merges and classifies their
 * entries by sequence number as for a database directory without CURRENT/MANIFEST) and each SQLite database on its
 * own. {@link #runOptions} state every record as the image holds it, in the typed record path (no output line is
 * read back): {@code image_offset} first, the rows of a lone journal superseded, lone pages numbered in their set.
 * {@link #close} deletes the temporary directory; the image is only read.
 */
public final class CarvedInputs implements AutoCloseable {
    private final Path tempDir;
    private final List<Artifact> artifacts;
    private final List<Path> paths = new ArrayList<>();
    private final Map<String, SqliteCarvedFiles.FileInfo> byFileName = new HashMap<>();

    private CarvedInputs(Path tempDir, List<Artifact> artifacts) {
        this.tempDir = tempDir;
        this.artifacts = artifacts;
    }

    /**
     * Carves {@code image} into a new temporary directory under {@code tempParent} with {@code threads} workers,
     * confirming candidates within {@code limits}.
     */
    public static CarvedInputs carve(Path image, Path tempParent, int threads, Limits limits, LongConsumer progress,
                                     String version)
            throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory(tempParent, ".salvor-carve-");
        CarvedInputs c = null;
        try (ByteSource src = ByteSource.open(image)) {
            List<Artifact> found = new Carver(src, threads, limits).carve(progress);
            c = new CarvedInputs(tmp, found);
            List<Artifact> leveldb = new ArrayList<>();
            List<Artifact> sqlite = new ArrayList<>();
            List<Artifact> events = new ArrayList<>();
            for (Artifact a : found) {
                if (a.kind().id().startsWith("sqlite-")) {
                    sqlite.add(a);
                } else if (a.kind() == Artifact.Kind.JSONLOG_EVENTS) {
                    events.add(a);
                } else {
                    leveldb.add(a);
                }
            }
            SqliteCarvedFiles.prepare(src, image, sqlite, tmp, version, c.paths, c.byFileName);
            if (!leveldb.isEmpty()) {
                Path dir = tmp.resolve("leveldb");
                for (CarveOutput.Written w : CarveOutput.write(src, image, leveldb, dir, version)) {
                    c.byFileName.put(w.file().getFileName().toString(), new SqliteCarvedFiles.FileInfo(
                            OffsetMap.contiguous(w.artifact().offset(), w.artifact().length()), null, -1));
                }
                Files.delete(dir.resolve(CarveOutput.MANIFEST));
                c.paths.add(0, dir);
            }
            c.writeEventLogs(src, events);
            return c;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (c == null) {
                deleteTree(tmp);
            } else {
                c.close();
            }
            throw e;
        }
    }

    /**
     * Event runs become EventLog directories, one per chain kind ({@code jsonlog-current_hash}, ...), so that the
     * chain verifier checks every link inside and between runs: each run is one {@code segment-NNNNNN.json} in
     * JSON Lines (each event's bytes as stored in the image, then a line feed; segment numbers unique over all
     * directories), with a piecewise {@link OffsetMap} from file offsets back to the image. Segments are numbered
     * in chain order: from each run whose first previous-hash is no other run's last hash (in image order), the run
     * whose first previous-hash is its last hash follows; runs left over (cycles) follow in image order.
     */
    private void writeEventLogs(ByteSource src, List<Artifact> events) throws IOException {
        int segment = 0;
        for (dev.salvor.formats.jsonlog.ChainFields f : JsonEventProbe.FIELDS) {
            List<List<JsonEventProbe.Found>> runs = new ArrayList<>();
            for (Artifact a : events) {
                List<JsonEventProbe.Found> evs = JsonEventProbe.verifiedEvents(src, a.offset(), a.end(), f);
                if (!evs.isEmpty()) {
                    runs.add(evs);
                }
            }
            if (runs.isEmpty()) {
                continue;
            }
            Path dir = Files.createDirectories(tempDir.resolve("jsonlog-" + f.hash()));
            for (List<JsonEventProbe.Found> run : chainOrder(runs)) {
                String name = String.format("segment-%06d.json", ++segment);
                OffsetMap map = new OffsetMap();
                try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve(name)))) {
                    long at = 0;
                    for (JsonEventProbe.Found e : run) {
                        map.add(at, e.offset(), e.length());
                        os.write(src.read(e.offset(), (int) e.length()));
                        os.write('\n');
                        at += e.length() + 1;
                    }
                }
                byFileName.put(name, new SqliteCarvedFiles.FileInfo(map, null, -1));
            }
            paths.add(dir);
        }
    }

    /** Runs in chain order (see {@link #writeEventLogs}). */
    static List<List<JsonEventProbe.Found>> chainOrder(List<List<JsonEventProbe.Found>> runs) {
        Map<String, Integer> byFirstPrev = new HashMap<>();
        java.util.Set<String> lastHashes = new java.util.HashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            List<JsonEventProbe.Found> r = runs.get(i);
            if (r.get(0).prev() != null) {
                byFirstPrev.putIfAbsent(r.get(0).prev(), i);
            }
            lastHashes.add(r.get(r.size() - 1).hash());
        }
        boolean[] done = new boolean[runs.size()];
        List<List<JsonEventProbe.Found>> out = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < runs.size(); i++) {
                String prev = runs.get(i).get(0).prev();
                if (done[i] || (pass == 0 && prev != null && lastHashes.contains(prev))) {
                    continue;
                }
                Integer r = i;
                while (r != null && !done[r]) {
                    done[r] = true;
                    List<JsonEventProbe.Found> run = runs.get(r);
                    out.add(run);
                    r = byFirstPrev.get(run.get(run.size() - 1).hash());
                }
            }
        }
        return out;
    }

    /** The confirmed artifacts. */
    public List<Artifact> artifacts() {
        return artifacts;
    }

    /**
     * The inputs to salvage: the LevelDB directory (if any) first, then each SQLite database (with its WAL or
     * journal beside it when one was paired), each WAL or journal alone, and each set of lone SQLite pages.
     */
    public List<Path> paths() {
        return paths;
    }

    /**
     * The settings that make the salvage of {@link #paths()} state every record as the image holds it (see
     * {@link #imageOffsets} and {@link #sqliteRows}), keyed by their type as {@code RunContext} options are.
     */
    public Map<Class<?>, Object> runOptions() {
        return Map.of(ImageOffsets.class, imageOffsets(), SqliteRowRestatement.class, sqliteRows());
    }

    /**
     * Where each record lies in the image, written as its leading {@code image_offset}: the image offset of the
     * carved file named by the record's {@code file} at the record's {@code offset} (the file's first image offset
     * when the record has none); none for a record of a file that is not carved or at bytes the image did not hold.
     */
    public ImageOffsets imageOffsets() {
        return (file, offset) -> {
            SqliteCarvedFiles.FileInfo info = info(file);
            if (info == null) {
                return -1;
            }
            Long at = offset >= 0 ? info.map().toImage(offset) : info.map().start();
            return at == null ? -1 : at;
        };
    }

    /**
     * Rows of carved SQLite files as the image shows them: the {@code live} rows of a rollback journal salvaged
     * without its database are {@code superseded} (older versions of pages, whatever the journal's own view says),
     * and the page number of a row on a lone page is its position in its page set (1 = the first lone page in image
     * order), not its page number in the assembled file.
     */
    public SqliteRowRestatement sqliteRows() {
        return row -> {
            SqliteCarvedFiles.FileInfo info = info(row.file());
            if (info == null) {
                return row;
            }
            boolean restate = info.liveAs() != null && row.state() == RowState.LIVE;
            boolean renumber = info.pageBase() >= 0 && row.page() > info.pageBase();
            if (!restate && !renumber) {
                return row;
            }
            return new SqliteRow(row.file(), row.table(), row.rowid(), row.values(),
                    restate ? info.liveAs() : row.state(), row.source(),
                    renumber ? row.page() - info.pageBase() : row.page(), row.offset(), row.walFrame(),
                    row.unknownColumns());
        };
    }

    /** The carved file a record names (by its file name), or {@code null}. */
    private SqliteCarvedFiles.FileInfo info(String file) {
        if (file == null) {
            return null;
        }
        Path p = Path.of(file).getFileName();
        return p == null ? null : byFileName.get(p.toString());
    }

    @Override
    public void close() throws IOException {
        deleteTree(tempDir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
