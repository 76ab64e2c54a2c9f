package dev.salvor.salvage.carve;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CompositeSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.UnitState;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.jsonlog.JsonEventProbe;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.sqlite.RowState;
import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.salvage.Pipeline;
import dev.salvor.salvage.report.ImageOffsets;
import dev.salvor.salvage.report.RunReport;
import dev.salvor.salvage.sqlite.SqliteRowRestatement;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The inputs of {@code salvage --carve IMAGE}, read where they lie in the image (no temporary file, no copy): the
 * LevelDB tables and logs together as one set (so the LevelDB salvage merges and classifies their entries by
 * sequence number as for a database directory without CURRENT/MANIFEST), each SQLite database with what was paired
 * with it (see {@link SqliteCarvedFiles}), and the JSON event runs as EventLog directories. {@link #runOptions}
 * state every record as the image holds it, in the typed record path (no output line is read back):
 * {@code image_offset} first, the rows of a lone journal superseded, lone pages numbered in their set.
 * {@link #close} closes the image, which is only read.
 */
public final class CarvedInputs implements AutoCloseable {
    private final ByteSource image;
    private final List<Artifact> artifacts;
    private final List<Pipeline.SetInput> inputs = new ArrayList<>();
    private final Map<String, CarvedMember> members = new HashMap<>();

    private CarvedInputs(ByteSource image, List<Artifact> artifacts) {
        this.image = image;
        this.artifacts = artifacts;
    }

    /** Carves {@code image} with {@code threads} workers, confirming candidates within {@code limits}. */
    public static CarvedInputs carve(Path image, int threads, Limits limits, LongConsumer progress)
            throws IOException, InterruptedException {
        ByteSource src = ByteSource.open(image);
        try {
            List<Artifact> found = new Carver(src, threads, limits).carve(progress);
            CarvedInputs c = new CarvedInputs(src, found);
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
            if (!leveldb.isEmpty()) {
                List<SourceSet.Member> files = new ArrayList<>();
                for (Artifact a : leveldb) {
                    files.add(CarvedMember.slice(src, String.format("%016x.%s", a.offset(), a.kind().extension()),
                            a.offset(), a.length()));
                }
                c.add(new Pipeline.SetInput(SourceSet.of("leveldb", true, files), "leveldb"));
            }
            List<Pipeline.SetInput> databases = new ArrayList<>();
            SqliteCarvedFiles.prepare(src, sqlite, databases, c.members);
            c.inputs.addAll(databases);
            c.eventLogs(events);
            return c;
        } catch (RuntimeException | InterruptedException e) {
            try {
                src.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void add(Pipeline.SetInput in) {
        inputs.add(in);
        for (SourceSet.Member m : in.input().members()) {
            members.put(m.name(), (CarvedMember) m);
        }
    }

    /**
     * Event runs become EventLog directories, one per chain kind ({@code jsonlog-current_hash}, ...), so that the
     * chain verifier checks every link inside and between runs: each run is one member {@code segment-NNNNNN.json}
     * in JSON Lines (each event's bytes as stored in the image, then a line feed; segment numbers unique over all
     * directories), assembled from the events' regions of the image with a piecewise {@link OffsetMap} back to it.
     * Segments are numbered in chain order: from each run whose first previous-hash is no other run's last hash (in
     * image order), the run whose first previous-hash is its last hash follows; runs left over (cycles) follow in
     * image order.
     */
    private void eventLogs(List<Artifact> events) {
        int segment = 0;
        byte[] lineFeed = {'\n'};
        for (dev.salvor.formats.jsonlog.ChainFields f : JsonEventProbe.FIELDS) {
            List<List<JsonEventProbe.Found>> runs = new ArrayList<>();
            for (Artifact a : events) {
                List<JsonEventProbe.Found> evs = JsonEventProbe.verifiedEvents(image, a.offset(), a.end(), f);
                if (!evs.isEmpty()) {
                    runs.add(evs);
                }
            }
            if (runs.isEmpty()) {
                continue;
            }
            List<SourceSet.Member> segments = new ArrayList<>();
            for (List<JsonEventProbe.Found> run : chainOrder(runs)) {
                String name = String.format("segment-%06d.json", ++segment);
                OffsetMap map = new OffsetMap();
                CompositeSource.Builder file = CompositeSource.over(image, name);
                for (JsonEventProbe.Found e : run) {
                    map.add(file.size(), e.offset(), e.length());
                    file.region(e.offset(), e.length()).bytes(lineFeed);
                }
                segments.add(new CarvedMember(name, file.build(), map, null, -1));
            }
            add(new Pipeline.SetInput(SourceSet.of("jsonlog-" + f.hash(), true, segments), "jsonlog"));
        }
    }

    /** Runs in chain order (see {@link #eventLogs}). */
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
     * The inputs to salvage: the LevelDB set (if any) first, then each SQLite database (with its WAL or journal when
     * one was paired), each WAL or journal alone, each set of lone SQLite pages, and the event logs.
     */
    public List<Pipeline.SetInput> inputs() {
        return inputs;
    }

    /**
     * The settings that make the salvage of {@link #inputs()} state every record as the image holds it (see
     * {@link #imageOffsets} and {@link #sqliteRows}), keyed by their type as {@code RunContext} options are.
     */
    public Map<Class<?>, Object> runOptions() {
        return Map.of(ImageOffsets.class, imageOffsets(), SqliteRowRestatement.class, sqliteRows(),
                dev.salvor.salvage.leveldb.LooseFiles.class, dev.salvor.salvage.leveldb.LooseFiles.CARVED);
    }

    /**
     * Where each record lies in the image, written as its leading {@code image_offset}: the image offset of the
     * carved file named by the record's {@code file} at the record's {@code offset} (the file's first image offset
     * when the record has none); none for a record of a file that is not carved or at bytes the image did not hold.
     */
    public ImageOffsets imageOffsets() {
        return (file, offset) -> {
            CarvedMember m = file == null ? null : members.get(file);
            if (m == null) {
                return -1;
            }
            return offset >= 0 ? m.imageOffset(offset) : m.firstImageOffset();
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
            CarvedMember info = row.file() == null ? null : members.get(row.file());
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
                    row.unknownColumns(), row.kind(), row.pointsTo());
        };
    }

    /**
     * The map of the image for the HTML report (not part of the JSON report): every artifact's bytes carved, and the
     * located damage of each carved file found in {@code report} damaged where its first byte lies in the image.
     */
    public FileResult imageMap(RunReport report) {
        FileResult r = new FileResult(image.name(), "image", "carved", image.size());
        for (Artifact a : artifacts) {
            r.map().mark(a.offset(), a.length(), UnitState.CARVED);
        }
        for (FileResult f : report.files()) {
            CarvedMember m = members.get(f.file());
            if (m == null) {
                continue;
            }
            for (Damage d : f.damages()) {
                long at = d.offset() < 0 ? -1 : m.imageOffset(d.offset());
                if (at >= 0) {
                    r.map().mark(at, Math.max(1, d.length()), UnitState.DAMAGED);
                }
            }
        }
        r.fact("artifacts", artifacts.size());
        return r;
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}
