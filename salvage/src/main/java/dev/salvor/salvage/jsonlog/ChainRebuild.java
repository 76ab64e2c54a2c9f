package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.jsonlog.ChainEvent;
import dev.salvor.formats.jsonlog.ChainReport;
import dev.salvor.formats.jsonlog.SegmentEvent;
import dev.salvor.formats.jsonlog.Snapshot;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One rebuild of a hash chain, fed salvage's events in chain order once the whole chain is verified: the events of
 * the intact prefix ({@link ChainReport#prefixEvents()}: up to the first break, or to the last matching anchor of a
 * forgery) go into the new chain, each in a file named as its original and framed as it was
 * ({@link EventFileWriter}); every other event goes to the left-out rows with its reason. An event torn inside its
 * hash member cannot be written byte for byte as a complete event: it ends the new chain too.
 *
 * <p>Reasons ({@code "left_out"}): {@value #AFTER_BREAK} (at or after the first break), {@value #TORN} (the torn
 * event), {@value #AFTER_TORN} (verified, but after the torn event that ended the new chain).
 *
 * <p>Written: for an EventLog directory, a directory with the segments up to the last kept event (same names, same
 * events per segment; a segment without events before it is written empty) and the snapshot pointed at the new head
 * ({@link SnapshotRewriter}); for a single export, the same kind of file with the kept events.
 */
final class ChainRebuild implements Consumer<ChainEvent>, Closeable {
    /** Left out: at or after the chain's first break. */
    static final String AFTER_BREAK = "after_break";
    /** Left out: torn inside its hash member (its bytes are not a complete event). */
    static final String TORN = "torn";
    /** Left out: after a torn event that ended the rebuilt chain. */
    static final String AFTER_TORN = "after_torn";

    private final ChainInput in;
    private final ChainReport chain;
    private final ChainRows rows;
    private final RebuildTarget target;
    private final int maxHeaderBytes;
    private final List<SourceSet.Member> files;
    private final Map<String, Long> leftOut = new LinkedHashMap<>();
    private final List<String> written = new ArrayList<>();
    private int nextFile;
    private EventFileWriter current;
    private String currentName;
    private String layout;
    private long ordinal;
    private long kept;
    /** The reason of every event of the prefix after a torn one (null until then). */
    private String cutReason;
    private ChainEvent head;
    private long throughSnapshot = -1;

    private ChainRebuild(ChainInput in, ChainReport chain, ChainRows rows, RebuildTarget target, int maxHeaderBytes) {
        this.in = in;
        this.chain = chain;
        this.rows = rows;
        this.target = target;
        this.maxHeaderBytes = maxHeaderBytes;
        this.files = in.eventFiles();
    }

    /**
     * Starts the rebuild of {@code in} (verified as {@code chain}) into {@code target}: creates the output directory
     * of an EventLog.
     *
     * @throws Rebuilder.RebuildRefused for a live table (truncated in place, never rebuilt into a file)
     */
    static ChainRebuild start(ChainInput in, ChainReport chain, ChainRows rows, RebuildTarget target,
                              int maxHeaderBytes) throws IOException {
        if (in.kind() == ChainInput.Kind.TABLE) {
            throw new Rebuilder.RebuildRefused(in.name() + ": a live table is truncated in place (--apply), not"
                    + " rebuilt into OUTPUT");
        }
        if (in.kind() == ChainInput.Kind.DIRECTORY) {
            Files.createDirectory(target.database());
        }
        return new ChainRebuild(in, chain, rows, target, maxHeaderBytes);
    }

    @Override
    public void accept(ChainEvent e) {
        try {
            route(e);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private void route(ChainEvent e) throws IOException {
        long o = ordinal++;
        Snapshot snap = chain.snapshot();
        if (snap != null && e.id() != null && e.id().equals(snap.lastEventId())) {
            throughSnapshot = o + 1;
        }
        String reason = null;
        if (o >= chain.prefixEvents()) {
            reason = AFTER_BREAK;
        } else if (cutReason != null) {
            reason = cutReason;
        } else if (e.status() == SegmentEvent.Status.TORN_HASH) {
            reason = TORN;
            cutReason = AFTER_TORN;
        } else if (e.status() != SegmentEvent.Status.OK) {
            reason = AFTER_BREAK; // not expected inside the intact prefix (a rejected event is a break)
            cutReason = AFTER_BREAK;
        }
        if (reason != null) {
            rows.leftOut(e, reason);
            leftOut.merge(reason, 1L, Long::sum);
            return;
        }
        writerFor(e.file()).event(e);
        rows.counted(e);
        kept++;
        head = e;
    }

    /** The writer of {@code file}; files between the previous one and it (no event) are written empty. */
    private EventFileWriter writerFor(String file) throws IOException {
        if (file.equals(currentName)) {
            return current;
        }
        finishCurrent();
        while (nextFile < files.size()) {
            SourceSet.Member m = files.get(nextFile++);
            current = open(m);
            currentName = m.name();
            if (m.name().equals(file)) {
                return current;
            }
            finishCurrent();
        }
        throw new IOException("event of " + file + " is not in the input's event files, or out of their order");
    }

    private EventFileWriter open(SourceSet.Member m) throws IOException {
        Path out = in.kind() == ChainInput.Kind.DIRECTORY ? inside(target.database(), m.name()) : target.database();
        EventFileWriter w = EventFileWriter.create(m, in.kind() == ChainInput.Kind.CSV, out, maxHeaderBytes);
        layout = w.layout().id();
        written.add(m.name());
        return w;
    }

    /** {@code dir/name}, refusing a name that is not a plain file name (it comes from the evidence). */
    private static Path inside(Path dir, String name) throws IOException {
        Path p = dir.resolve(name).normalize();
        if (name.isEmpty() || !dir.normalize().equals(p.getParent()) || !p.getFileName().toString().equals(name)) {
            throw new Rebuilder.RebuildRefused("segment name " + name + " is not a plain file name");
        }
        return p;
    }

    private void finishCurrent() throws IOException {
        if (current != null) {
            try {
                current.finish();
            } finally {
                current.close();
                current = null;
                currentName = null;
            }
        }
    }

    /**
     * Completes the new chain once every event went by: the last file closed, the files after it written empty
     * when nothing was left out (a single export is always written), the snapshot, and the figures.
     */
    void finish() throws IOException {
        finishCurrent();
        boolean single = in.kind() != ChainInput.Kind.DIRECTORY;
        while (nextFile < files.size() && (leftOut.isEmpty() || (single && written.isEmpty()))) {
            current = open(files.get(nextFile++));
            finishCurrent();
        }
        String snapshot = single ? null : writeSnapshot();
        target.written(kept);
        leftOut.forEach(target::leftOut);
        Map<String, Object> f = target.facts();
        f.put("layout", single ? layout : "eventlog (" + (layout == null ? "no segment" : layout) + " segments)");
        f.put("files", List.copyOf(written));
        f.put("events_read", ordinal);
        f.put("chain_intact", chain.intact());
        f.put("head", head == null ? null : JsonLogHandler.mapOf("id", head.id(), "hash", head.computedHash()));
        if (!single) {
            f.put("snapshot", snapshot);
        }
    }

    /** Writes the snapshot for the new head; returns what was done, for the report. */
    private String writeSnapshot() throws IOException {
        SourceSet.Member member = in.dir().snapshot();
        if (member == null) {
            return "none (the original has none)";
        }
        if (head == null) {
            return "not written (no event in the rebuilt chain)";
        }
        byte[] original;
        Snapshot parsed;
        try (ByteSource s = member.open()) {
            int len = Limits.checkAllocation(s.size(), 64 << 20, "snapshot", s.name(), 0);
            original = s.read(0, len);
            parsed = Snapshot.read(s, d -> { });
        }
        SnapshotRewriter.Result r = SnapshotRewriter.rewrite(original, parsed,
                new SnapshotRewriter.Head(head.id(), head.computedHash(), totalEvents(parsed)));
        Files.write(inside(target.database(), member.name()), r.bytes(), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        written.add(member.name());
        if (!r.keptMembers().isEmpty() && !"copied".equals(r.how())) {
            target.facts().put("snapshot_members_kept", r.keptMembers());
        }
        return r.how() + (r.how().equals("rebuilt") ? " (the original is damaged: only its version and the new head)"
                : "");
    }

    /**
     * The snapshot's {@code total_events} for the new head: the events written, plus, when the chain starts
     * unanchored (early segments pruned), the events the original snapshot counted before the first one present.
     */
    private long totalEvents(Snapshot parsed) {
        if (chain.unanchoredStart() == null || throughSnapshot <= 0 || parsed.totalEvents() == null
                || !parsed.totalEvents().matches("[0-9]{1,18}")) {
            return kept;
        }
        long pruned = new BigInteger(parsed.totalEvents()).longValueExact() - throughSnapshot;
        return kept + Math.max(0, pruned);
    }

    /** Closes the file being written (after a failure: the staging directory is discarded by the command). */
    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
