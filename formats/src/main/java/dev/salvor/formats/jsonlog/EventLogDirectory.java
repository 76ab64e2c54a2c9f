package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventLog directory: {@code segment-NNNNNN.json} files (oldest first by number; {@code .jsonl} accepted) and an
 * optional {@code event-log-snapshot.json}. Only regular files directly inside the directory are used (no symlinks
 * followed); numbering gaps and odd names are noted, not guessed at.
 *
 * @param dir      the directory
 * @param segments segment files in number order
 * @param snapshot the snapshot file, or null
 * @param notes    missing segment numbers, ignored files
 */
public record EventLogDirectory(Path dir, List<Path> segments, Path snapshot, List<String> notes) {

    /** Segment file names: {@code segment-} digits {@code .json} or {@code .jsonl}. */
    public static final Pattern SEGMENT = Pattern.compile("segment-(\\d{1,18})\\.jsonl?");

    /** The snapshot's file name. */
    public static final String SNAPSHOT = "event-log-snapshot.json";

    /** Lists {@code dir}. */
    public static EventLogDirectory scan(Path dir) throws IOException {
        List<Path> segs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Path snap = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean regular = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                if (SEGMENT.matcher(n).matches() && regular) {
                    segs.add(p);
                } else if (n.equals(SNAPSHOT) && regular) {
                    snap = p;
                } else if (n.startsWith("segment")) {
                    notes.add("ignored " + n + (regular ? " (not named segment-NNNNNN.json)" : " (not a regular file)"));
                }
            }
        }
        segs.sort(Comparator.comparing(EventLogDirectory::number).thenComparing(Path::toString));
        for (int i = 1; i < segs.size(); i++) {
            BigInteger a = number(segs.get(i - 1));
            BigInteger b = number(segs.get(i));
            if (b.subtract(a).compareTo(BigInteger.ONE) > 0) {
                notes.add("segment number(s) " + a.add(BigInteger.ONE) + ".." + b.subtract(BigInteger.ONE)
                        + " missing");
            } else if (b.equals(a)) {
                notes.add("two segment files share number " + a);
            }
        }
        if (!segs.isEmpty() && number(segs.get(0)).compareTo(BigInteger.ONE) > 0) {
            notes.add("first segment is " + segs.get(0).getFileName() + ": earlier segments pruned or lost");
        }
        return new EventLogDirectory(dir, List.copyOf(segs), snap, List.copyOf(notes));
    }

    private static BigInteger number(Path p) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        return m.matches() ? new BigInteger(m.group(1)) : BigInteger.ZERO;
    }

    /**
     * Opens every file read-only (named relative to the directory), verifies, and closes them. Per-event results
     * go to {@code out} when it is not null.
     */
    public ChainReport verify(ChainVerifier verifier, SegmentReader reader, DamageSink sink,
                              Consumer<ChainEvent> out) throws IOException {
        List<ByteSource> open = new ArrayList<>();
        try {
            List<EventSource> sources = new ArrayList<>();
            for (Path p : segments) {
                ByteSource s = ByteSource.open(p, p.getFileName().toString());
                open.add(s);
                sources.add(EventSource.segment(s, reader));
            }
            Snapshot snap = null;
            if (snapshot != null) {
                try (ByteSource s = ByteSource.open(snapshot, snapshot.getFileName().toString())) {
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
