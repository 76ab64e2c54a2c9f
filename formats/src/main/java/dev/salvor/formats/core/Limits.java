package dev.salvor.formats.core;

/**
 * Upper bounds on anything whose size comes from a file. Every allocation sized by a file field goes through
 * {@link #checkAllocation}, before allocating, so a header claiming gigabytes costs nothing. Immutable; the
 * {@code with*} methods return modified copies.
 *
 * @param maxBlockBytes         largest block (raw or decompressed) a reader will hold in memory at once
 * @param maxRecordBytes        largest logical record (e.g. a LevelDB write batch assembled from log fragments)
 * @param maxEntriesPerBlock    most entries decoded from one block before the block is declared damaged
 * @param maxChainLength        most links followed in any pointer chain (pages, blocks, fragments)
 * @param maxNestingDepth       deepest structure nesting a recursive reader descends
 */
public record Limits(int maxBlockBytes, int maxRecordBytes, int maxEntriesPerBlock, int maxChainLength,
                     int maxNestingDepth) {

    /** Defaults that keep a reader well under 512 MB of heap whatever the file claims. */
    public static final Limits DEFAULT = new Limits(64 << 20, 64 << 20, 1 << 20, 1 << 24, 512);

    public Limits {
        if (maxBlockBytes <= 0 || maxRecordBytes <= 0 || maxEntriesPerBlock <= 0 || maxChainLength <= 0
                || maxNestingDepth <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public Limits withMaxBlockBytes(int v) {
        return new Limits(v, maxRecordBytes, maxEntriesPerBlock, maxChainLength, maxNestingDepth);
    }

    public Limits withMaxRecordBytes(int v) {
        return new Limits(maxBlockBytes, v, maxEntriesPerBlock, maxChainLength, maxNestingDepth);
    }

    public Limits withMaxEntriesPerBlock(int v) {
        return new Limits(maxBlockBytes, maxRecordBytes, v, maxChainLength, maxNestingDepth);
    }

    public Limits withMaxChainLength(int v) {
        return new Limits(maxBlockBytes, maxRecordBytes, maxEntriesPerBlock, v, maxNestingDepth);
    }

    public Limits withMaxNestingDepth(int v) {
        return new Limits(maxBlockBytes, maxRecordBytes, maxEntriesPerBlock, maxChainLength, v);
    }

    /**
     * Checks a file-derived allocation size against {@code max} and returns it as an {@code int}.
     *
     * @throws CorruptionException ({@link DamageKind#LIMIT_EXCEEDED} or {@link DamageKind#BAD_LENGTH} when negative)
     */
    public static int checkAllocation(long requested, int max, String what, String resource, long offset) {
        if (requested < 0) {
            throw new CorruptionException(new Damage(resource, offset, 0, DamageKind.BAD_LENGTH, ">= 0",
                    Long.toString(requested), what + " has a negative size"));
        }
        if (requested > max) {
            throw new CorruptionException(new Damage(resource, offset, 0, DamageKind.LIMIT_EXCEEDED,
                    "<= " + max, Long.toString(requested), what + " is larger than the configured limit"
                    + " (damaged length field, or raise the limit)"));
        }
        return (int) requested;
    }
}
