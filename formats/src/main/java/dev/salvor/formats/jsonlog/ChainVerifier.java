package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Verifies a hash chain of JSON events: every event's own hash, every link, sequence continuity, anchors.
 *
 * <p>Chain rules (defaults of seed 001's EventLog, names in {@link ChainFields}):
 * <pre>
 *   event.hash = lower-case hex SHA-256( RFC 8785 canonical JSON of the event without its hash member )
 *   event.prev = hash of the previous event; null for the first event (genesis)
 *   event.id   = previous id + 1 when ids are integers (compared as BigInteger: never through a double)
 * </pre>
 * Every event is checked; a link is checked against the <em>recomputed</em> hash of the predecessor. After a
 * break the chain re-anchors on the breaking event's recomputed hash, so one edited event gives exactly one
 * {@code hash-mismatch} (the event) and one {@code link-mismatch} (its successor), and later tampering is still
 * found. Reasons, most specific first: {@code unparseable} (damaged bytes that hid events, or an event that cannot
 * be hashed), {@code duplicate}, {@code reorder}, {@code gap}, {@code hash-mismatch}, {@code link-mismatch},
 * {@code anchor-mismatch}.
 *
 * <ul>
 *   <li>Damage between events (from the reader) is a break only if the next event does not link to the chain
 *       head or its id does not follow; then the next event is {@code unverified} (its predecessor is unreadable)
 *       and no second break is reported for it. Damage at the tail is a break when it looks like a lost event.</li>
 *   <li>A first event that is not a genesis is tied to a known anchor hash, else reported as an unanchored start
 *       (pruned early segments), not as a break; it is {@code unverified}.</li>
 *   <li>Anchors ({@code --anchor ID=HASH}, a manifest, the snapshot's {@code last_event_id}/{@code
 *       last_current_hash}) are compared with the recomputed hash of that event. A forgery that edits an event and
 *       re-hashes every later one keeps every link intact: only an anchor catches it, and the report says so
 *       ({@link ChainReport#forgerySuspected()}); every event since the last matching anchor is then
 *       {@code unverified}, since the edit may be anywhere in that range.</li>
 *   <li>A snapshot whose head id lies beyond the chain's last id means events were lost at the tail
 *       ({@code anchor-mismatch}). The snapshot never repairs the chain.</li>
 * </ul>
 * Memory: one status byte per event plus the set of ids seen (for duplicates; runs of consecutive integer ids are
 * kept as ranges). When per-event results are wanted, the sources are read twice (statuses of earlier events can
 * change when a later anchor fails). With {@link Options#withThreads} sources are read, parsed and hashed on worker
 * threads and checked on the calling thread in source order ({@link OrderedReader}): the same result on any number
 * of threads.
 */
public final class ChainVerifier {

    /** A trusted (id, hash) pair and where it came from. */
    public record Anchor(String id, String hash, String source) {
    }

    /**
     * Verifier settings.
     *
     * @param fields    member names
     * @param anchors   trusted anchors (user-given, manifest); the snapshot's is added by {@link #verify}
     * @param maxBreaks most breaks listed in the report (all are counted)
     * @param threads   worker threads reading the sources (see {@link #withThreads})
     */
    public record Options(ChainFields fields, List<Anchor> anchors, int maxBreaks, int threads) {
        public Options {
            anchors = List.copyOf(anchors);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }

        /** Without a thread count: one thread. */
        public Options(ChainFields fields, List<Anchor> anchors, int maxBreaks) {
            this(fields, anchors, maxBreaks, 1);
        }

        /** Defaults for {@code fields}: no anchors, 10,000 breaks listed, one thread. */
        public static Options defaults(ChainFields fields) {
            return new Options(fields, List.of(), 10_000, 1);
        }

        public Options withAnchors(List<Anchor> a) {
            return new Options(fields, a, maxBreaks, threads);
        }

        /**
         * Sources (segments) read, parsed, canonicalised and hashed on up to {@code n} threads; the chain is
         * checked on the calling thread in source order, so the result is the same for any {@code n}.
         */
        public Options withThreads(int n) {
            return new Options(fields, anchors, maxBreaks, n);
        }
    }

    private static final byte VALID = 0;
    private static final byte BROKEN = 1;
    private static final byte UNVERIFIED = 2;

    private static final List<BreakReason> ORDER = List.of(BreakReason.UNPARSEABLE, BreakReason.DUPLICATE,
            BreakReason.REORDER, BreakReason.GAP, BreakReason.HASH_MISMATCH, BreakReason.LINK_MISMATCH,
            BreakReason.ANCHOR_MISMATCH);

    private final Options options;

    public ChainVerifier(Options options) {
        this.options = options;
    }

    /** Verifies the chain formed by {@code sources} in order; {@code snapshot} may be null. One pass. */
    public ChainReport verify(List<EventSource> sources, Snapshot snapshot, DamageSink sink) {
        Pass pass = new Pass(snapshot);
        run(pass, sources, sink);
        return pass.finish();
    }

    private void run(Pass pass, List<EventSource> sources, DamageSink sink) {
        OrderedReader.read(sources, options.threads(), new OrderedReader.Listener() {
            @Override
            public void start(EventSource s) {
                pass.file = s.name();
                pass.fileIndex = 0;
            }

            @Override
            public void damage(Damage d) {
                sink.report(d);
                pass.onDamage(d);
            }

            @Override
            public void event(SegmentEvent e) {
                pass.onEvent(e);
            }

            @Override
            public void end(EventSource s) {
                pass.perFile.putIfAbsent(s.name(), 0);
            }
        });
    }

    /**
     * Verifies, then reads the sources again and sends every event with its final status to {@code out}, in
     * chain order.
     */
    public ChainReport verify(List<EventSource> sources, Snapshot snapshot, DamageSink sink,
                              Consumer<ChainEvent> out) {
        return verifyThen(sources, snapshot, sink, report -> out);
    }

    /**
     * Verifies, hands the result to {@code rows} (which chooses where the events go knowing the whole chain's
     * verdict: a rebuild writes the intact prefix, {@link ChainReport#prefixEvents()}, and leaves the rest out),
     * then reads the sources again and sends every event with its final status to the consumer it returned, in
     * chain order (the order of the first pass's ordinals).
     */
    public ChainReport verifyThen(List<EventSource> sources, Snapshot snapshot, DamageSink sink,
                                  Function<ChainReport, Consumer<ChainEvent>> rows) {
        Pass pass = new Pass(snapshot);
        run(pass, sources, sink);
        ChainReport report = pass.finish();
        Consumer<ChainEvent> out = rows.apply(report);
        long[] ordinal = {0};
        OrderedReader.read(sources, options.threads(), new OrderedReader.Listener() {
            @Override
            public void start(EventSource s) {
            }

            @Override
            public void damage(Damage d) {
                // reported by the first pass
            }

            @Override
            public void event(SegmentEvent e) {
                long o = ordinal[0]++;
                byte st = o < pass.status.length ? pass.status[(int) Math.min(o, Integer.MAX_VALUE)] : UNVERIFIED;
                String chain = st == VALID ? ChainEvent.VALID : st == BROKEN ? ChainEvent.BROKEN
                        : ChainEvent.UNVERIFIED;
                List<BreakReason> reasons = pass.reasons.getOrDefault(o, List.of());
                String computed = e.canonical() == null ? null : e.canonical().sha256Hex();
                out.accept(new ChainEvent(e.file(), e.index(), e.offset(), e.length(), e.raw(), chain,
                        scalarText(e, options.fields().id()), e.storedHash(), computed, e.status(), reasons));
            }

            @Override
            public void end(EventSource s) {
            }
        });
        return report;
    }

    private static String scalarText(SegmentEvent e, String member) {
        if (e.canonical() == null) {
            return null;
        }
        JsonCanonicalizer.Scalar s = e.canonical().scalar(member);
        return s == null || s.text() == null || s.isNull() ? null : s.text();
    }

    /** An integer id (JSON integer, or a string of ASCII digits), else null. Never through a double. */
    static BigInteger numericId(JsonCanonicalizer.Scalar s) {
        if (s == null || s.text() == null) {
            return null;
        }
        String t = s.text();
        if (s.isInteger() || (s.isString() && !t.isEmpty() && t.length() <= 40 && t.chars().allMatch(
                c -> c >= '0' && c <= '9'))) {
            if (t.length() <= 18) {
                long v = 0;
                int i = t.charAt(0) == '-' ? 1 : 0;
                for (int k = i; k < t.length(); k++) {
                    v = v * 10 + (t.charAt(k) - '0');
                }
                return BigInteger.valueOf(i == 1 ? -v : v); // the usual id: no string parsing
            }
            return new BigInteger(t);
        }
        return null;
    }

    /** Verification state of one pass. */
    private final class Pass {
        String file;
        int fileIndex;
        final Map<String, Integer> perFile = new LinkedHashMap<>();
        final Map<String, Anchor> anchorsById = new HashMap<>();
        final Set<String> anchorHashes = new HashSet<>();
        final Snapshot snapshot;
        final IdSet seen = new IdSet();
        /** Per-event scratch (cleared for each event; copied when a break is recorded). */
        final EnumSet<BreakReason> reasonsOfEvent = EnumSet.noneOf(BreakReason.class);
        final List<String> whyOfEvent = new ArrayList<>();
        final List<ChainBreak> breaks = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Map<Long, List<BreakReason>> reasons = new HashMap<>();
        byte[] status = new byte[1024];
        long ordinal;
        long breakCount;
        long damages;
        String head;
        boolean haveHead;
        BigInteger lastNum;
        boolean lossBeforeNext;
        Damage pending;
        String pendingFile;
        int pendingIndex;
        SegmentEvent lastTorn;
        boolean prefixIntact = true;
        String lastGoodId;
        String lastGoodHash;
        long prefixEvents;
        String headId;
        String headHash;
        long lastAnchorOk = -1;
        String lastAnchorOkId;
        String lastAnchorOkHash;
        long lastBreakOrdinal = -1;
        boolean forgery;
        String unanchoredStart;
        boolean snapshotIdSeen;

        Pass(Snapshot snapshot) {
            this.snapshot = snapshot;
            for (Anchor a : options.anchors()) {
                anchorsById.put(a.id(), a);
                anchorHashes.add(a.hash());
            }
            if (snapshot != null && snapshot.anchors()) {
                anchorsById.putIfAbsent(snapshot.lastEventId(),
                        new Anchor(snapshot.lastEventId(), snapshot.lastHash(), "snapshot " + snapshot.resource()));
                anchorHashes.add(snapshot.lastHash());
            }
        }

        void onDamage(Damage d) {
            damages++;
            if (d.kind() == DamageKind.ZEROED || d.length() == 0) {
                return; // preallocated zero tail / missing separator: no event can hide there
            }
            if (lastTorn != null && d.resource().equals(lastTorn.file())
                    && d.offset() == lastTorn.offset() + lastTorn.length()) {
                return; // the rest of a torn-hash event already kept
            }
            if (pending == null) {
                pending = d;
                pendingFile = file;
                pendingIndex = fileIndex;
            }
        }

        void onEvent(SegmentEvent e) {
            long o = ordinal++;
            fileIndex = e.index() + 1;
            perFile.merge(e.file(), 1, Integer::sum);
            if (pending != null && e.problem() != null && pending.equals(e.problem())) {
                pending = null; // the reader's notice for this very (torn-hash) event
            }
            if (e.status() == SegmentEvent.Status.REJECTED) {
                commitPending(null);
                addBreak(o, e, EnumSet.of(BreakReason.UNPARSEABLE), null, null,
                        "event cannot be hashed: " + e.problem().detail());
                setStatus(o, BROKEN);
                lossBeforeNext = true;
                prefixIntact = false;
                return;
            }
            ChainFields f = options.fields();
            JsonCanonicalizer.Canonical top = e.canonical();
            String computed = top.sha256Hex();
            JsonCanonicalizer.Scalar idS = top.scalar(f.id());
            String id = idS == null || idS.text() == null ? null : idS.text();
            BigInteger num = numericId(idS);
            JsonCanonicalizer.Scalar prevS = top.scalar(f.prev());
            boolean prevMissing = prevS == null;
            String prev = prevS != null && prevS.isString() ? prevS.text() : null;
            boolean prevIsNull = prevS != null && prevS.isNull();

            boolean linkOk = haveHead ? computedEquals(prev, head) : prevIsNull;
            BigInteger nextNum = lastNum == null ? null : lastNum.add(BigInteger.ONE);
            boolean seqOk = num == null || lastNum == null || num.equals(nextNum);
            if (pending != null) {
                if (linkOk && seqOk && !(id != null && seen.contains(id))) {
                    notes.add("damage in " + pendingFile + " at offset " + pending.offset()
                            + " hid no event: the next event links to the chain");
                    pending = null;
                } else {
                    commitPending(num);
                }
            }

            EnumSet<BreakReason> rs = reasonsOfEvent;
            rs.clear();
            String expected = null;
            String found = null;
            List<String> why = whyOfEvent;
            why.clear();
            boolean unverified = false;
            boolean unanchored = false;
            // Own hash.
            if (e.status() == SegmentEvent.Status.OK) {
                String stored = e.storedHash();
                if (!computed.equals(stored)) {
                    rs.add(BreakReason.HASH_MISMATCH);
                    expected = computed;
                    found = stored;
                    why.add(stored == null ? "hash member missing or not a string"
                            : EventHash.isHash(stored) ? "stored hash is not the SHA-256 of the event's content"
                            + " (content edited after hashing)" : "stored hash is malformed");
                }
            }
            // Link.
            if (!haveHead) {
                if (prevIsNull) {
                    // genesis
                } else if (prevMissing) {
                    rs.add(BreakReason.LINK_MISMATCH);
                    why.add("first event has no " + f.prev() + " member");
                } else if (prev != null && anchorHashes.contains(prev)) {
                    notes.add("chain starts at id " + id + " whose " + f.prev() + " matches a trusted anchor");
                } else {
                    unanchoredStart = prev == null ? String.valueOf(prevS.text()) : prev;
                    notes.add("chain starts at id " + id + " with " + f.prev() + "=" + unanchoredStart
                            + ": not a genesis and no anchor knows that hash (early segments pruned?) - unanchored,"
                            + " not broken");
                    unverified = true;
                    unanchored = true;
                }
            } else if (lossBeforeNext) {
                unverified = !linkOk;
            } else if (!linkOk) {
                rs.add(BreakReason.LINK_MISMATCH);
                if (expected == null) {
                    expected = head;
                    found = prevIsNull ? "null" : prevMissing ? "(missing)" : prev;
                }
                why.add(f.prev() + " is not the hash of the previous event");
            }
            // Sequence.
            if (id != null && seen.contains(id)) {
                rs.add(BreakReason.DUPLICATE);
                why.add("id " + id + " appears again");
            } else if (!lossBeforeNext && num != null && lastNum != null) {
                int c = num.compareTo(nextNum);
                if (c < 0) {
                    rs.add(BreakReason.REORDER);
                    why.add("id " + num + " after id " + lastNum + " (out of order)");
                } else if (c > 0) {
                    rs.add(BreakReason.GAP);
                    BigInteger missing = num.subtract(lastNum).subtract(BigInteger.ONE);
                    why.add(missing + " id(s) missing between " + lastNum + " and " + num);
                    if (expected == null) {
                        expected = nextNum.toString();
                        found = num.toString();
                    }
                }
            }
            // Anchors.
            Anchor a = id == null ? null : anchorsById.get(id);
            if (a != null) {
                if (snapshot != null && id.equals(snapshot.lastEventId())) {
                    snapshotIdSeen = true;
                }
                if (a.hash().equals(computed)) {
                    notes.add("anchor id=" + id + " verified (" + a.source() + ")");
                    lastAnchorOk = o;
                    lastAnchorOkId = id;
                    lastAnchorOkHash = computed;
                } else {
                    rs.add(BreakReason.ANCHOR_MISMATCH);
                    if (expected == null) {
                        expected = a.hash();
                        found = computed;
                    }
                    boolean linksIntact = lastBreakOrdinal <= lastAnchorOk && rs.size() == 1;
                    if (linksIntact) {
                        forgery = true;
                        why.add("hash differs from the anchor (" + a.source() + ") although every hash and link"
                                + " verifies: the chain was edited and re-hashed (forgery) at or before this event,"
                                + " after " + (lastAnchorOk < 0 ? "the start of the chain" : "the last matching"
                                + " anchor") + "; only an anchor can detect this");
                        // Nothing after the last matching anchor can be trusted: the intact prefix ends there.
                        if (prefixIntact) {
                            lastGoodId = lastAnchorOkId;
                            lastGoodHash = lastAnchorOkHash;
                            prefixEvents = lastAnchorOk + 1;
                            prefixIntact = false;
                        }
                        for (long k = lastAnchorOk + 1; k < o; k++) {
                            if (status(k) == VALID) {
                                setStatus(k, UNVERIFIED);
                                reasons.put(k, List.of(BreakReason.ANCHOR_MISMATCH));
                            }
                        }
                    } else {
                        why.add("hash differs from the anchor (" + a.source() + ")");
                    }
                }
            }
            if (!rs.isEmpty()) {
                addBreak(o, e, rs, expected, found, String.join("; ", why));
                setStatus(o, BROKEN);
                prefixIntact = false;
            } else if (unverified || (lossBeforeNext && !linkOk)) {
                setStatus(o, UNVERIFIED);
                reasons.put(o, List.of(unanchored ? BreakReason.UNANCHORED : BreakReason.UNPARSEABLE));
                if (haveHead) {
                    prefixIntact = false;
                }
            } else {
                setStatus(o, VALID);
            }
            if (prefixIntact && status(o) != BROKEN) {
                prefixEvents++;
                lastGoodId = id;
                lastGoodHash = computed;
            }
            // Re-anchor on this event, whatever its status.
            head = computed;
            haveHead = true;
            lossBeforeNext = false;
            if (num != null && (lastNum == null || num.compareTo(lastNum) > 0)) {
                lastNum = num;
            }
            if (id != null) {
                seen.add(id);
            }
            headId = id;
            headHash = computed;
            lastTorn = e.status() == SegmentEvent.Status.TORN_HASH ? e : null;
            if (lastTorn != null) {
                notes.add("event id=" + id + " in " + e.file() + " was torn inside its hash member; its content"
                        + " hash matches the " + e.storedHash().length() + " surviving digits");
            }
        }

        private boolean computedEquals(String prev, String h) {
            return prev != null && prev.equals(h);
        }

        /** A damaged region hid events: an unparseable break at its place. */
        void commitPending(BigInteger nextNum) {
            if (pending == null) {
                return;
            }
            String lost = "";
            if (nextNum != null && lastNum != null && nextNum.compareTo(lastNum) > 0) {
                lost = "; " + nextNum.subtract(lastNum).subtract(BigInteger.ONE) + " event(s) lost (ids "
                        + lastNum.add(BigInteger.ONE) + ".." + nextNum.subtract(BigInteger.ONE) + ")";
            }
            breakCount++;
            lastBreakOrdinal = ordinal;
            if (breaks.size() < options.maxBreaks()) {
                breaks.add(new ChainBreak(pendingFile, pendingIndex, pending.offset(), null,
                        List.of(BreakReason.UNPARSEABLE), null, null, "damaged bytes where events were ("
                        + pending.kind().id() + ": " + pending.detail() + ", " + pending.length() + " bytes)"
                        + lost));
            }
            pending = null;
            lossBeforeNext = true;
            prefixIntact = false;
        }

        void addBreak(long o, SegmentEvent e, Set<BreakReason> rs, String expected, String found, String detail) {
            breakCount++;
            lastBreakOrdinal = o;
            List<BreakReason> sorted = new ArrayList<>(ORDER);
            sorted.retainAll(rs);
            reasons.put(o, Collections.unmodifiableList(sorted));
            if (breaks.size() < options.maxBreaks()) {
                breaks.add(new ChainBreak(e.file(), e.index(), e.offset(), scalarText(e, options.fields().id()),
                        sorted, expected, found, detail));
            }
        }

        byte status(long o) {
            return status[(int) o];
        }

        void setStatus(long o, byte s) {
            if (o >= status.length) {
                status = Arrays.copyOf(status, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(o + 1,
                        status.length * 2L)));
            }
            status[(int) o] = s;
        }

        ChainReport finish() {
            if (pending != null) {
                // Damage after the last event: a lost tail unless it is data after the closed array.
                if (pending.detail().startsWith("data after the end of the array")) {
                    notes.add("data after the end of the array in " + pendingFile + " (no event lost there)");
                    pending = null;
                } else {
                    commitPending(null);
                }
            }
            if (snapshot != null) {
                if (snapshot.damaged()) {
                    notes.add("snapshot " + snapshot.resource() + " is damaged (" + snapshot.problem().detail()
                            + ")" + (snapshot.anchors() ? "; its head anchor was read before the damage"
                            : "; not used as an anchor"));
                }
                if (snapshot.anchors() && !snapshotIdSeen) {
                    BigInteger sid = numericId(new JsonCanonicalizer.Scalar(
                            com.fasterxml.jackson.core.JsonToken.VALUE_STRING, snapshot.lastEventId()));
                    if (sid != null && lastNum != null && sid.compareTo(lastNum) > 0) {
                        breakCount++;
                        if (breaks.size() < options.maxBreaks()) {
                            breaks.add(new ChainBreak(snapshot.resource(), -1, -1, snapshot.lastEventId(),
                                    List.of(BreakReason.ANCHOR_MISMATCH), snapshot.lastEventId(), headId,
                                    "snapshot head is ahead of the chain: events after id " + lastNum
                                    + " are missing (tail lost)"));
                        }
                    } else {
                        notes.add("snapshot head id " + snapshot.lastEventId() + " is not in the chain");
                    }
                }
                if (snapshot.totalEvents() != null && snapshot.lastEventId() != null
                        && snapshot.lastEventId().equals(headId) && unanchoredStart == null
                        && !snapshot.totalEvents().equals(Long.toString(ordinal))) {
                    notes.add("snapshot total_events=" + snapshot.totalEvents() + " but the chain holds " + ordinal
                            + " events up to its head");
                }
            }
            long valid = 0;
            long broken = 0;
            long unver = 0;
            for (long k = 0; k < ordinal; k++) {
                switch (status(k)) {
                    case VALID -> valid++;
                    case BROKEN -> broken++;
                    default -> unver++;
                }
            }
            return new ChainReport(ordinal, valid, broken, unver, Collections.unmodifiableMap(perFile),
                    List.copyOf(breaks), breakCount, lastGoodId, lastGoodHash, prefixEvents, headId, headHash,
                    forgery,
                    unanchoredStart, List.copyOf(notes), damages, snapshot);
        }
    }
}
