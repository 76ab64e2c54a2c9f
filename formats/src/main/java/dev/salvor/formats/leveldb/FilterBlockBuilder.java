package dev.salvor.formats.leveldb;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a table's filter block ({@code table/filter_block.cc}): one filter per {@value #BASE} bytes of data-block
 * offsets, each over the keys of the data blocks that start in that range.
 *
 * <pre>
 * filter*:              the filters, back to back
 * filter offsets:       fixed32 per filter (an empty range repeats the next offset: an empty filter)
 * offset of the array:  fixed32
 * base_lg:              uint8 = 11
 * </pre>
 */
public final class FilterBlockBuilder {
    /** {@code kFilterBaseLg}. */
    public static final int BASE_LG = 11;
    /** {@code kFilterBase}: one filter per 2 KiB of data-block offsets. */
    public static final int BASE = 1 << BASE_LG;

    private final BloomFilterPolicy policy;
    private final List<byte[]> keys = new ArrayList<>();
    private final ByteArrayOutputStream result = new ByteArrayOutputStream();
    private final List<Integer> filterOffsets = new ArrayList<>();

    public FilterBlockBuilder(BloomFilterPolicy policy) {
        this.policy = policy;
    }

    /** A data block starts at file offset {@code blockOffset}: close the filters of the ranges before it. */
    public void startBlock(long blockOffset) {
        long index = blockOffset / BASE;
        while (index > filterOffsets.size()) {
            generateFilter();
        }
    }

    /** Adds a key (a user key) of the current data block. */
    public void addKey(byte[] userKey) {
        keys.add(userKey);
    }

    /** The finished filter block. */
    public byte[] finish() {
        if (!keys.isEmpty()) {
            generateFilter();
        }
        int arrayOffset = result.size();
        for (int off : filterOffsets) {
            BlockBuilder.putFixed32(result, off);
        }
        BlockBuilder.putFixed32(result, arrayOffset);
        result.write(BASE_LG);
        return result.toByteArray();
    }

    private void generateFilter() {
        filterOffsets.add(result.size());
        if (keys.isEmpty()) {
            return;
        }
        policy.createFilter(keys, result);
        keys.clear();
    }
}
