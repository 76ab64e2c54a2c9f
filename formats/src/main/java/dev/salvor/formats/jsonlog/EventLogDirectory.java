package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventLog directory: {@code segment-NNNNNN.json} files (oldest first by number; {@code .jsonl} accepted) and an
 * optional {@code event-log-snapshot.json}, chosen among the members of a {@link SourceSet} (the regular files of
 * the directory, or regions carved out of an image). Numbering gaps and odd names are noted, not guessed at.
 *
 * @param name     the directory as the user named it
 * @param segments segment files in number order
 * @param snapshot the snapshot file, or null
 * @param notes    missing segment numbers, ignored files
 */
public record EventLogDirectory(String name, List<SourceSet.Member> segments, SourceSet.Member snapshot,
                                List<String> notes) {

    /** Segment file names: {@code segment-} digits {@code .json} or {@code .jsonl}. */
    public static final Pattern SEGMENT = Pattern.compile("segment-(\\d{1,18})\\.jsonl?");

    /** The snapshot's file name. */
    public static final String SNAPSHOT = "event-log-snapshot.json";

    /** The segments and snapshot among the members of {@code set}. */
    public static EventLogDirectory of(SourceSet set) {
        return of(set, List.of());
    }

    /**
     * The segments and snapshot among the members of {@code set}; {@code skipped} names the directory's entries that
     * are not regular files (left out of the set), so that one named like a segment is noted as ignored. Entries
     * are considered in name order.
     */
    public static EventLogDirectory of(SourceSet set, Collection<String> skipped) {
        Map<String, SourceSet.Member> entries = new TreeMap<>();
        set.members().forEach(m -> entries.put(m.name(), m));
        skipped.forEach(n -> entries.putIfAbsent(n, null));
        List<SourceSet.Member> segs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        SourceSet.Member snap = null;
        for (Map.Entry<String, SourceSet.Member> e : entries.entrySet()) {
            String n = e.getKey();
            boolean regular = e.getValue() != null;
            if (SEGMENT.matcher(n).matches() && regular) {
                segs.add(e.getValue());
            } else if (n.equals(SNAPSHOT) && regular) {
                snap = e.getValue();
            } else if (n.startsWith("segment")) {
                notes.add("ignored " + n + (regular ? " (not named segment-NNNNNN.json)" : " (not a regular file)"));
            }
        }
        segs.sort(Comparator.comparing((SourceSet.Member m) -> number(m.name()))
                .thenComparing(SourceSet.Member::name));
        for (int i = 1; i < segs.size(); i++) {
            BigInteger a = number(segs.get(i - 1).name());
            BigInteger b = number(segs.get(i).name());
            if (b.subtract(a).compareTo(BigInteger.ONE) > 0) {
                notes.add("segment number(s) " + a.add(BigInteger.ONE) + ".." + b.subtract(BigInteger.ONE)
                        + " missing");
            } else if (b.equals(a)) {
                notes.add("two segment files share number " + a);
            }
        }
        if (!segs.isEmpty() && number(segs.get(0).name()).compareTo(BigInteger.ONE) > 0) {
            notes.add("first segment is " + segs.get(0).name() + ": earlier segments pruned or lost");
        }
        return new EventLogDirectory(set.name(), List.copyOf(segs), snap, List.copyOf(notes));
    }

    private static BigInteger number(String name) {
        Matcher m = SEGMENT.matcher(name);
        return m.matches() ? new BigInteger(m.group(1)) : BigInteger.ZERO;
    }

    /** The segments, then the snapshot if any: every member this directory reads. */
    public List<SourceSet.Member> files() {
        List<SourceSet.Member> l = new ArrayList<>(segments);
        if (snapshot != null) {
            l.add(snapshot);
        }
        return l;
    }

    /**
     * Opens every file read-only (named as its member), verifies, and closes them. Per-event results go to
     * {@code out} when it is not null.
     */
    public ChainReport verify(ChainVerifier verifier, SegmentReader reader, DamageSink sink,
                              Consumer<ChainEvent> out) throws IOException {
        List<ByteSource> open = new ArrayList<>();
        try {
            List<EventSource> sources = new ArrayList<>();
            for (SourceSet.Member m : segments) {
                ByteSource s = m.open();
                open.add(s);
                sources.add(EventSource.segment(s, reader));
            }
            Snapshot snap = null;
            if (snapshot != null) {
                try (ByteSource s = snapshot.open()) {
                    snap = Snapshot.read(s, sink);
                }
            }
            return out == null ? verifier.verify(sources, snap, sink) : verifier.verify(sources, snap, sink, out);
        } finally {
            for (ByteSource s : open) {
                s.close();
            }
        }
    }
}
