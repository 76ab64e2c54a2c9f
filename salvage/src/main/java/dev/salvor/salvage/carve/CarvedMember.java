package dev.salvor.salvage.carve;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.SliceSource;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.sqlite.RowState;

/**
 * One file of a carved input, read where it lies in the image: a slice of the image, or a file assembled from
 * pieces of it ({@link dev.salvor.formats.core.CompositeSource}). It is named as records and damage name it, knows
 * where each of its bytes lies in the image ({@link #imageOffset}) and how the rows of the SQLite file it is are
 * restated ({@link #liveAs}, {@link #pageBase}). Nothing is copied: its bytes are read through the image's mapping,
 * and closing the source it opens does nothing (the image belongs to {@link CarvedInputs}).
 */
final class CarvedMember implements SourceSet.Member {
    private final String name;
    private final ByteSource bytes;
    private final OffsetMap map;
    private final RowState liveAs;
    private final long pageBase;

    /**
     * @param name     the member's name in records and damage
     * @param bytes    its content
     * @param map      where its bytes lie in the image (bytes outside every piece lie nowhere in it)
     * @param liveAs   the state its SQLite rows reported {@code live} really have, or {@code null} to keep them
     * @param pageBase the page number before the first lone page of a page set (rows on later pages are numbered
     *                 from it), or -1
     */
    CarvedMember(String name, ByteSource bytes, OffsetMap map, RowState liveAs, long pageBase) {
        this.name = name;
        this.bytes = bytes;
        this.map = map;
        this.liveAs = liveAs;
        this.pageBase = pageBase;
    }

    /** The {@code length} bytes at {@code offset} of {@code image}, as they lie there. */
    static CarvedMember slice(ByteSource image, String name, long offset, long length) {
        return new CarvedMember(name, new SliceSource(image, offset, length, name),
                OffsetMap.contiguous(offset, length), null, -1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return bytes.size();
    }

    @Override
    public ByteSource open() {
        return bytes;
    }

    @Override
    public long imageOffset(long offset) {
        Long at = map.toImage(offset);
        return at == null ? -1 : at;
    }

    /** True when none of its bytes lies in the image (a synthetic page 1 read beside a lone WAL or journal). */
    @Override
    public boolean isStandIn() {
        return map.start() == null;
    }

    /** The image offset of the member's first piece (where a record without an offset is placed), or -1. */
    long firstImageOffset() {
        Long at = map.start();
        return at == null ? -1 : at;
    }

    RowState liveAs() {
        return liveAs;
    }

    long pageBase() {
        return pageBase;
    }
}
