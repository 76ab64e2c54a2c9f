package dev.salvor.formats.jsonlog;

import java.util.List;
import java.util.Map;

/**
 * The result of verifying a chain.
 *
 * @param events           events read (all statuses)
 * @param valid            events whose hash and link verify
 * @param broken           events at a break
 * @param unverified       events that verify on their own but cannot be tied to a verified predecessor or anchor
 * @param eventsPerFile    events per segment/export, in reading order
 * @param breaks           the breaks, in chain order (at most {@link ChainVerifier.Options#maxBreaks()})
 * @param breakCount       all breaks, including those over the list limit
 * @param lastGoodId       id of the last event of the intact prefix (before the first break), or null
 * @param lastGoodHash     its hash, or null
 * @param prefixEvents     events in the intact prefix (up to and including the last good one)
 * @param headId           id of the last event read, or null
 * @param headHash         its computed hash, or null
 * @param forgerySuspected an anchor disagrees with a chain whose links all verify: edited and re-hashed
 * @param unanchoredStart  the first event's previous-hash when it is not a genesis and no anchor knows it
 *                         (pruned early segments), or null
 * @param notes            anchors verified, damage that hid no event, snapshot remarks
 * @param damages          damages reported by the readers
 * @param snapshot         the snapshot used, or null
 */
public record ChainReport(long events, long valid, long broken, long unverified, Map<String, Integer> eventsPerFile,
                          List<ChainBreak> breaks, long breakCount, String lastGoodId, String lastGoodHash,
                          long prefixEvents, String headId, String headHash, boolean forgerySuspected,
                          String unanchoredStart,
                          List<String> notes, long damages, Snapshot snapshot) {

    /** The first break, or null when the chain is intact. */
    public ChainBreak firstBreak() {
        return breaks.isEmpty() ? null : breaks.get(0);
    }

    /** True when no break was found ({@code salvor_chain_integrity_status} 1). */
    public boolean intact() {
        return breakCount == 0;
    }
}
