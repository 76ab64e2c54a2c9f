package dev.salvor.formats.jsonlog;

import java.util.List;

/**
 * One place where the chain breaks.
 *
 * @param file     the segment (or export) holding it
 * @param index    the event's index in that file (for damage between events: the index the next event gets)
 * @param offset   byte offset of the event or damaged region in the file (-1 for a table row)
 * @param id       the event's id as written (null when unreadable)
 * @param reasons  every reason, the most specific first ({@link #reason()})
 * @param expected what the chain required (a hash, an id), or null
 * @param found    what the event holds, or null
 * @param detail   a human explanation, including the likely cause
 */
public record ChainBreak(String file, int index, long offset, String id, List<BreakReason> reasons, String expected,
                         String found, String detail) {

    public ChainBreak {
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a break needs a reason");
        }
    }

    /** The primary reason. */
    public BreakReason reason() {
        return reasons.get(0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(detail);
        if (expected != null || found != null) {
            sb.append(": actual=").append(found).append(" vs expected=").append(expected);
        }
        sb.append(" (").append(reasons.stream().map(BreakReason::id).reduce((a, b) -> a + "," + b).orElse(""))
                .append(") (resource=").append(file).append(", index=").append(index);
        if (offset >= 0) {
            sb.append(", offset=0x").append(Long.toHexString(offset));
        }
        if (id != null) {
            sb.append(", id=").append(id);
        }
        return sb.append(')').toString();
    }
}
