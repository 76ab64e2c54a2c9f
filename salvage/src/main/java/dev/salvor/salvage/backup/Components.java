package dev.salvor.salvage.backup;

import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.DetectedInput;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.Formats;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Verb;
import dev.salvor.salvage.jsonlog.ChainExtras;
import dev.salvor.formats.core.FileResult;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The databases inside a backup source and what {@code check} says about each: the source itself when its format
 * is recognised by content, otherwise every directory and file below it that is (a mixed data directory: a LevelDB
 * directory, an SQLite file, an event log...). Each gets the check verdict and a format summary:
 * <ul>
 *   <li>LevelDB: files, tables, logs, manifests, entries (records), last sequence;</li>
 *   <li>SQLite: page size, pages, tables, indexes, live rows, WAL frames, journal;</li>
 *   <li>event log: events, segments, first and last id, last hash, chain valid, snapshot.</li>
 * </ul>
 * SQLite is only ever read through salvor's own parsers: never opened with SQLite, so never checkpointed.
 */
public final class Components {
    /** Check notes kept per component in the manifest. */
    public static final int NOTES_KEPT = 50;
    /** Largest number of databases looked for below a source. */
    static final int MAX_COMPONENTS = 1000;
    /** Directory depth searched for databases below a source. */
    static final int MAX_DEPTH = 8;

    private Components() {
    }

    /**
     * One database found: its relative path ({@code .} for the source) and the input as detected, with the files its
     * format reads (listed once: they size the progress phase and claim a loose database's companions).
     */
    public record Found(String path, DetectedInput input) {
        public Path absolute() {
            return input.path();
        }

        public FormatHandler handler() {
            return input.handler();
        }
    }

    /** Finds the databases in {@code tree}. */
    public static List<Found> find(SourceTree tree) throws IOException {
        List<Found> out = new ArrayList<>();
        if (!tree.directory()) {
            // A file source is named as it is in the archive (its file name); it was detected while walking.
            if (tree.database() != null) {
                out.add(new Found(tree.root().getFileName().toString(), tree.database()));
            }
            return out;
        }
        Optional<FormatHandler> self = detectDirectory(tree.root());
        if (self.isPresent()) {
            out.add(new Found(".", DetectedInput.list(tree.root(), self.get())));
            return out;
        }
        Set<Path> claimed = new java.util.HashSet<>();
        search(tree.root(), tree.root(), 0, out, claimed);
        return out;
    }

    private static void search(Path root, Path dir, int depth, List<Found> out, Set<Path> claimed) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                children.add(p);
            }
        }
        children.sort(null);
        // Directories first: a database directory claims its files; then loose files (an SQLite database claims
        // its -wal and -journal).
        for (Path c : children) {
            if (out.size() >= MAX_COMPONENTS) {
                return;
            }
            if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                Optional<FormatHandler> h = detectDirectory(c);
                if (h.isPresent()) {
                    out.add(new Found(rel(root, c), DetectedInput.list(c, h.get())));
                } else if (depth + 1 < MAX_DEPTH) {
                    search(root, c, depth + 1, out, claimed);
                }
            }
        }
        for (Path c : children) {
            if (out.size() >= MAX_COMPONENTS) {
                return;
            }
            if (Files.isRegularFile(c, LinkOption.NOFOLLOW_LINKS) && !claimed.contains(c)) {
                Optional<FormatHandler> h = detectLooseFile(c);
                if (h.isPresent()) {
                    DetectedInput in = DetectedInput.list(c, h.get());
                    out.add(new Found(rel(root, c), in));
                    for (Path p : in.paths()) {
                        claimed.add(p.toAbsolutePath().normalize());
                    }
                }
            }
        }
    }

    private static final String LEVELDB = "leveldb";

    /** LevelDB file names: numbered tables and logs, CURRENT, MANIFEST-n. */
    private static final java.util.regex.Pattern LEVELDB_NAME = java.util.regex.Pattern.compile(
            "\\d+\\.(ldb|sst|log)|CURRENT|MANIFEST-\\d+");

    /**
     * The format of a directory, by content, in {@link Formats}' order. LevelDB's content detection reads every file
     * of a directory, which costs seconds on a directory of large unrelated files; it is only tried where at least
     * one name looks like LevelDB's (a LevelDB directory that lost every such name is still found by
     * {@code salvor check --format}).
     */
    static Optional<FormatHandler> detectDirectory(Path dir) throws IOException {
        boolean leveldbNames = false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (LEVELDB_NAME.matcher(p.getFileName().toString()).matches()) {
                    leveldbNames = true;
                    break;
                }
            }
        }
        boolean tryLevelDb = leveldbNames;
        return Formats.detect(dir, h -> tryLevelDb || !h.name().equals(LEVELDB));
    }

    /**
     * The format of a file lying in a data directory, by content: an SQLite database or a single-file event-log
     * export. A lone LevelDB table or log outside its directory is part of no database and is not checked alone.
     */
    static Optional<FormatHandler> detectLooseFile(Path file) throws IOException {
        return Formats.detect(file, h -> !h.name().equals(LEVELDB));
    }

    private static String rel(Path root, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path seg : root.relativize(p)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(seg);
        }
        return sb.toString();
    }

    /** Runs {@code check} on one database found and summarises it (see the method below). */
    public static BackupManifest.Component check(Found f, RunContext ctx) {
        return check(f.path(), f.absolute(), f.handler(), ctx);
    }

    /**
     * Runs the pipeline's {@link Verb#CHECK} on the database at {@code absolute} (named {@code path} in the manifest)
     * and summarises it. No fingerprints are taken: the backup fingerprints the whole tree itself. A check that
     * fails (an I/O error, or a bug) gives the verdict {@code failed} with the reason in the notes: the backup still
     * goes ahead, evidence first.
     */
    public static BackupManifest.Component check(String path, Path absolute, FormatHandler handler, RunContext ctx) {
        RunReport report = new RunReport("check", "");
        Map<String, Object> summary = new LinkedHashMap<>();
        String verdict;
        List<String> notes = new ArrayList<>();
        try {
            Verb.CHECK.run(handler, SourceSet.of(absolute), ctx, report);
            verdict = report.damageCount() > 0 ? "damaged" : "clean";
            summarise(handler, absolute, report, ctx, summary);
        } catch (IOException | RuntimeException e) {
            verdict = "failed";
            notes.add("check could not run: " + e);
        }
        for (String n : report.notes()) {
            if (notes.size() >= NOTES_KEPT) {
                notes.add("… " + (report.notes().size() - NOTES_KEPT) + " more note(s) (run salvor check)");
                break;
            }
            notes.add(n);
        }
        return new BackupManifest.Component(path, handler.name(), verdict, report.damageCount(), summary, notes);
    }

    /**
     * The format summary from the check's report. The summaries differ per format, so this is keyed by the format's
     * name until the formats report a typed summary of their own.
     */
    private static void summarise(FormatHandler handler, Path absolute, RunReport r, RunContext ctx,
                                  Map<String, Object> s) throws IOException {
        switch (handler.name()) {
            case LEVELDB -> leveldb(r, s);
            case "sqlite" -> sqlite(handler, absolute, r, ctx, s);
            case "jsonlog" -> jsonlog(r, s);
            default -> s.put("files", r.files().size());
        }
    }

    private static void leveldb(RunReport r, Map<String, Object> s) {
        Map<String, Long> roles = new TreeMap<>();
        long entries = 0;
        long lastSeq = -1;
        for (FileResult fr : r.files()) {
            roles.merge(fr.role(), 1L, Long::sum);
            if (fr.facts().get("entries") instanceof Number n) {
                entries += n.longValue();
            }
            for (String k : List.of("sequence_max", "last_sequence")) {
                if (fr.facts().get(k) instanceof Number n) {
                    lastSeq = Math.max(lastSeq, n.longValue());
                }
            }
        }
        s.put("files", r.files().size());
        s.put("tables", roles.getOrDefault("table", 0L));
        s.put("logs", roles.getOrDefault("log", 0L));
        s.put("manifests", roles.getOrDefault("manifest", 0L));
        s.put("entries", entries);
        s.put("last_sequence", lastSeq < 0 ? null : lastSeq);
    }

    private static void sqlite(FormatHandler handler, Path db, RunReport r, RunContext ctx, Map<String, Object> s)
            throws IOException {
        for (FileResult fr : r.files()) {
            switch (fr.role()) {
                case "database" -> {
                    s.put("pages", fr.facts().get("pages"));
                    s.put("tables", fr.facts().get("tables"));
                    s.put("indexes", fr.facts().get("indexes"));
                }
                case "wal" -> s.put("wal_frames", fr.facts().get("frames"));
                case "journal" -> s.put("journal", true);
                default -> {
                }
            }
        }
        s.putIfAbsent("wal_frames", null);
        s.putIfAbsent("journal", false);
        // Page size, encoding and rows: the check does not read rows, the salvage does (its records discarded). It
        // reads with salvor's own parsers (SQLite is never opened, so nothing is checkpointed); the rows are the live
        // rows as a reader would see them, WAL included.
        RunReport salvaged = new RunReport("salvage", "");
        try {
            Verb.salvage(OutputStream.nullOutputStream()).run(handler, SourceSet.of(db), ctx, salvaged);
        } catch (IOException e) {
            salvaged.files().clear();
        }
        Map<String, Object> facts = salvaged.files().stream().filter(f -> f.role().equals("database"))
                .findFirst().map(FileResult::facts).orElse(Map.of());
        if (facts.get("page_size") != null) {
            s.put("page_size", facts.get("page_size"));
            s.put("rows", salvaged.recordsByState().getOrDefault("live", 0L));
            s.put("encoding", facts.get("encoding"));
        } else {
            // The database could not be salvaged at all (its damage is the check's to report).
            s.put("page_size", headerPageSize(db));
            s.put("rows", null);
        }
    }

    /** The header's page size (offset 16, big-endian; 1 means 65536), or null when unreadable. */
    private static Integer headerPageSize(Path db) {
        try (InputStream in = Files.newInputStream(db)) {
            byte[] h = in.readNBytes(18);
            if (h.length < 18) {
                return null;
            }
            int v = (h[16] & 0xff) << 8 | (h[17] & 0xff);
            return v == 1 ? 65536 : v;
        } catch (IOException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static void jsonlog(RunReport r, Map<String, Object> s) {
        Object chains = r.extras().get(ChainExtras.KEY);
        Map<String, Object> c = chains instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> m
                ? (Map<String, Object>) m : Map.of();
        long segments = r.files().stream().filter(f -> f.role().equals("segment")).count();
        Object firstId = null;
        for (FileResult fr : r.files()) {
            if ((fr.role().equals("segment") || fr.role().equals("export")) && fr.facts().get("first_id") != null) {
                firstId = fr.facts().get("first_id");
                break;
            }
        }
        Object head = c.get("head");
        s.put("events", c.get("events"));
        s.put("segments", segments);
        s.put("first_event_id", firstId);
        s.put("last_event_id", head instanceof Map<?, ?> h ? h.get("id") : null);
        s.put("last_current_hash", head instanceof Map<?, ?> h ? h.get("hash") : null);
        s.put("chain_valid", c.get("intact"));
        s.put("breaks", c.get("breaks"));
        s.put("snapshot_exists", r.files().stream().anyMatch(f -> f.role().equals("snapshot")));
    }
}
