package dev.salvor.salvage.carve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.jsonlog.JsonEventProbe;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * own. {@link #withImageOffsets} adds {@code image_offset} (artifact offset + the record's {@code offset}) to every
 * record. {@link #close} deletes the temporary directory; the image is only read.
 */
public final class CarvedInputs implements AutoCloseable {
    private final Path tempDir;
    private final List<Artifact> artifacts;
    private final List<Path> paths = new ArrayList<>();
    private final Map<String, SqliteCarvedFiles.FileInfo> byFileName = new HashMap<>();
    private final Map<String, Long> restated = new java.util.concurrent.ConcurrentHashMap<>();

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
     * Moves the record counts of {@code recordsByState} for the records {@link #withImageOffsets} restated (rows of
     * a rollback journal salvaged without its database: {@code live} in the journal's view, superseded in fact).
     * Call once, after the stream is closed.
     */
    public void restate(Map<String, Long> recordsByState) {
        restated.forEach((k, v) -> {
            String[] fromTo = k.split(">");
            recordsByState.merge(fromTo[0], -v, Long::sum);
            recordsByState.remove(fromTo[0], 0L);
            recordsByState.merge(fromTo[1], v, Long::sum);
        });
        restated.clear();
    }

    /**
     * The inputs to salvage: the LevelDB directory (if any) first, then each SQLite database (with its WAL or
     * journal beside it when one was paired), each WAL or journal alone, and each set of lone SQLite pages.
     */
    public List<Path> paths() {
        return paths;
    }

    /**
     * Wraps the JSON Lines stream: each line gets {@code "image_offset":N} as its first member, N = the image offset
     * of the carved file named by the record's {@code file} plus the record's {@code offset} (the file's own image
     * offset when the record has no offset). The rest of the line is copied byte for byte.
     */
    public OutputStream withImageOffsets(OutputStream out) {
        ObjectMapper json = new ObjectMapper();
        return new FilterOutputStream(out) {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                line.write(b);
                if (b == '\n') {
                    emit();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                int start = off;
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        line.write(b, start, i + 1 - start);
                        emit();
                        start = i + 1;
                    }
                }
                line.write(b, start, off + len - start);
            }

            private void emit() throws IOException {
                byte[] l = line.toByteArray();
                line.reset();
                if (l.length < 2 || l[0] != '{') {
                    out.write(l);
                    return;
                }
                JsonNode n = json.readTree(l);
                SqliteCarvedFiles.FileInfo info = null;
                JsonNode file = n.get("file");
                if (file != null && file.isTextual()) {
                    Path p = Path.of(file.asText()).getFileName();
                    info = p == null ? null : byFileName.get(p.toString());
                }
                if (info == null) {
                    out.write(l);
                    return;
                }
                JsonNode off = n.get("offset");
                Long at = off != null && off.canConvertToLong() && off.asLong() >= 0 ? info.map().toImage(off.asLong())
                        : info.map().start();
                String state = n.path("state").asText(null);
                boolean restate = info.liveAs() != null && "live".equals(state);
                JsonNode page = n.get("page");
                boolean renumber = info.pageBase() >= 0 && page != null && page.canConvertToLong()
                        && page.asLong() > info.pageBase();
                if (!restate && !renumber) {
                    if (at == null) {
                        out.write(l);
                        return;
                    }
                    out.write('{');
                    out.write(("\"image_offset\":" + at + (l[1] == '}' ? "" : ",")).getBytes(StandardCharsets.US_ASCII));
                    out.write(l, 1, l.length - 1);
                    return;
                }
                // A record of a file assembled from pieces or restated: rebuilt with the same members in order.
                com.fasterxml.jackson.databind.node.ObjectNode o = json.createObjectNode();
                if (at != null) {
                    o.put("image_offset", at);
                }
                n.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
                if (restate) {
                    o.put("state", info.liveAs());
                    restated.merge("live>" + info.liveAs(), 1L, Long::sum);
                }
                if (renumber) {
                    // position of the page in its page set (1 = the first lone page in image order)
                    o.put("page", page.asLong() - info.pageBase());
                }
                out.write(json.writeValueAsBytes(o));
                out.write('\n');
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                if (line.size() > 0) {
                    emit();
                }
                out.close();
            }
        };
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
