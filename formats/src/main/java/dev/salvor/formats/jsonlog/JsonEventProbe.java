package dev.salvor.formats.jsonlog;

import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.carve.ImageChunk;
import dev.salvor.formats.carve.Probe;
import dev.salvor.formats.carve.Trigger;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.DamageSink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Events of hash-chained JSON logs and ledgers whose own hash verifies (the EventLog's {@code current_hash}, the
 * ledger's {@code entry_hash}: lower-case hex SHA-256 of the RFC 8785 form of the event without that member).
 *
 * <p>Signature (pass 1): the member name with its quotes, {@code "current_hash"} or {@code "entry_hash"}, at any
 * byte offset (the carver's pass looks for the names' first 8 bytes, see
 * {@link dev.salvor.formats.carve.SignatureScan}). Confirmation (pass 2, image order): candidates closer
 * than {@value #MAX_EVENT} bytes form a cluster; the window from {@value #MAX_EVENT} bytes before the first to
 * {@value #MAX_EVENT} bytes after the last is read by the tolerant {@link SegmentReader} (which resynchronises on
 * every <code>{"</code> after garbage and accepts only complete objects carrying the chain's id and hash members), and
 * an event is kept only if its status is OK and the SHA-256 of its canonical form equals its stored hash. A hash
 * name in other text costs one window parse and yields nothing.
 *
 * <p>Artifacts: runs of verified events separated only by JSON separators (white space and commas), one
 * {@code .jsonl} artifact each, extended over an enclosing {@code [ ... ]} when the run is a whole JSON array
 * segment. The chain links between events and runs are verified when the artifacts are salvaged
 * ({@code salvage --carve}).
 */
public final class JsonEventProbe implements Probe {
    /** Largest event looked for around a candidate (bytes before and after its hash member). */
    static final int MAX_EVENT = 64 << 10;
    /** Chain member names tried, in order. */
    public static final List<ChainFields> FIELDS = List.of(ChainFields.EVENT_LOG, ChainFields.LEDGER);
    private static final byte[][] KEYS = new byte[FIELDS.size()][];

    static {
        for (int i = 0; i < FIELDS.size(); i++) {
            KEYS[i] = ("\"" + FIELDS.get(i).hash() + "\"").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ByteSource image;

    public JsonEventProbe(ByteSource image) {
        this.image = image;
    }

    /**
     * One event whose hash verifies.
     *
     * @param offset image offset of its <code>{</code>
     * @param length its length in bytes
     * @param hash   its hash member
     * @param prev   its previous-hash member (null when JSON null or absent)
     */
    public record Found(long offset, long length, String hash, String prev) {
        public long end() {
            return offset + length;
        }
    }

    @Override
    public int overlap() {
        int max = 0;
        for (byte[] k : KEYS) {
            max = Math.max(max, k.length - 1);
        }
        return max;
    }

    @Override
    public Trigger trigger() {
        // The first 8 bytes of each quoted member name ("current or "entry_h): keyAt compares the rest.
        byte[][] starts = new byte[KEYS.length][];
        for (int k = 0; k < KEYS.length; k++) {
            starts[k] = java.util.Arrays.copyOf(KEYS[k], Math.min(8, KEYS[k].length));
        }
        return Trigger.prefixes(starts);
    }

    @Override
    public void at(ImageChunk c, int i, Sink sink) {
        if (keyAt(c, i) >= 0) {
            sink.propose(c.start() + i);
        }
    }

    private static int keyAt(ImageChunk c, int i) {
        for (int k = 0; k < KEYS.length; k++) {
            if (c.startsWith(i, KEYS[k])) {
                return k;
            }
        }
        return -1;
    }

    @Override
    public List<Artifact> confirm(List<Long> candidates) {
        List<Artifact> out = new ArrayList<>();
        long size = image.size();
        long lastEnd = -1;
        int i = 0;
        while (i < candidates.size()) {
            int j = i;
            while (j + 1 < candidates.size() && candidates.get(j + 1) - candidates.get(j) <= MAX_EVENT) {
                j++;
            }
            long from = Math.max(Math.max(0, lastEnd), candidates.get(i) - MAX_EVENT);
            long to = Math.min(size, candidates.get(j) + MAX_EVENT);
            for (ChainFields f : fieldsIn(candidates.subList(i, j + 1))) {
                List<Found> events = verifiedEvents(image, from, to, f);
                for (List<Found> run : runs(events)) {
                    out.add(artifact(run, f));
                    lastEnd = Math.max(lastEnd, run.get(run.size() - 1).end());
                }
            }
            i = j + 1;
        }
        return out;
    }

    /** Which chain kinds the candidates name (the member name at each). */
    private List<ChainFields> fieldsIn(List<Long> cands) {
        boolean[] seen = new boolean[FIELDS.size()];
        for (long c : cands) {
            for (int k = 0; k < KEYS.length; k++) {
                if (!seen[k] && c + KEYS[k].length <= image.size()
                        && java.util.Arrays.equals(image.read(c, KEYS[k].length), KEYS[k])) {
                    seen[k] = true;
                }
            }
        }
        List<ChainFields> l = new ArrayList<>();
        for (int k = 0; k < seen.length; k++) {
            if (seen[k]) {
                l.add(FIELDS.get(k));
            }
        }
        return l;
    }

    /**
     * The events in {@code [from, to)} of {@code image} whose stored hash equals the SHA-256 of their RFC 8785 form
     * (statuses other than OK are not kept: a torn or ambiguous event cannot be verified on its own), in order.
     */
    public static List<Found> verifiedEvents(ByteSource image, long from, long to, ChainFields fields) {
        List<Found> out = new ArrayList<>();
        if (to - from <= 0) {
            return out;
        }
        SegmentReader reader = new SegmentReader(SegmentReader.Options.defaults(fields));
        try {
            reader.read(new SliceSource(image, from, to - from, Probe.sliceName(image, from)), DamageSink.IGNORE, e -> {
                if (e.status() != SegmentEvent.Status.OK || !EventHash.isHash(e.storedHash())
                        || !e.storedHash().equals(e.canonical().sha256Hex())) {
                    return;
                }
                JsonCanonicalizer.Scalar prev = e.canonical().scalar(fields.prev());
                String p = prev == null || prev.isNull() ? null : prev.text();
                out.add(new Found(from + e.offset(), e.length(), e.storedHash(), p));
            });
        } catch (CorruptionException e) {
            // a read past the image end: what was found so far stands
        }
        return out;
    }

    /** Splits verified events into runs whose gaps hold only JSON separators (white space, commas). */
    private List<List<Found>> runs(List<Found> events) {
        List<List<Found>> out = new ArrayList<>();
        List<Found> cur = new ArrayList<>();
        for (Found e : events) {
            if (!cur.isEmpty() && !onlySeparators(cur.get(cur.size() - 1).end(), e.offset())) {
                out.add(cur);
                cur = new ArrayList<>();
            }
            cur.add(e);
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private boolean onlySeparators(long from, long to) {
        if (to - from > 4096 || to < from) {
            return false;
        }
        for (byte b : image.read(from, (int) (to - from))) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != ',') {
                return false;
            }
        }
        return true;
    }

    private Artifact artifact(List<Found> run, ChainFields f) {
        long start = run.get(0).offset();
        long end = run.get(run.size() - 1).end();
        // A whole array segment: '[' before the first event and ']' after the last (white space aside).
        long open = skipWs(start - 1, -1);
        long close = skipWs(end, 1);
        if (open >= 0 && close < image.size() && image.readUnsignedByte(open) == '['
                && image.readUnsignedByte(close) == ']') {
            start = open;
            end = close + 1;
        }
        int links = 0;
        for (int k = 1; k < run.size(); k++) {
            if (run.get(k - 1).hash().equals(run.get(k).prev())) {
                links++;
            }
        }
        return new Artifact(Artifact.Kind.JSONLOG_EVENTS, start, end - start,
                run.size() + " events whose " + f.hash() + " is the SHA-256 of their RFC 8785 form; " + links
                        + " of " + (run.size() - 1) + " " + f.prev() + " links hold", 0);
    }

    /** From {@code p} in direction {@code dir}, the first offset that is not white space (-1 / size at the ends). */
    private long skipWs(long p, int dir) {
        for (int k = 0; k < 64 && p >= 0 && p < image.size(); k++, p += dir) {
            int b = image.readUnsignedByte(p);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return p;
            }
        }
        return dir < 0 ? -1 : image.size();
    }
}
