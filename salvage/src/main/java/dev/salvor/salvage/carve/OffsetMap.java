package dev.salvor.salvage.carve;

import java.util.Arrays;

/**
 * Where the bytes of a file assembled from pieces of an image came from: piece {@code i} starts at file offset
 * {@code fileOffsets[i]} and was copied from image offset {@code imageOffsets[i]}. A file offset maps to the image
 * through the piece that holds it ({@code image = imageOffsets[i] + (file - fileOffsets[i])}). A file copied whole
 * is one piece.
 */
final class OffsetMap {
    private final long[] fileOffsets;
    private final long[] imageOffsets;

    private OffsetMap(long[] fileOffsets, long[] imageOffsets) {
        this.fileOffsets = fileOffsets;
        this.imageOffsets = imageOffsets;
    }

    /** A whole contiguous copy of {@code [imageOffset, ...)}. */
    static OffsetMap contiguous(long imageOffset) {
        return new OffsetMap(new long[] {0}, new long[] {imageOffset});
    }

    /** Builder for pieces appended in file order. */
    static final class Builder {
        private long[] file = new long[8];
        private long[] image = new long[8];
        private int n;

        /** The next piece starts at {@code fileOffset} (increasing) and came from {@code imageOffset}. */
        Builder add(long fileOffset, long imageOffset) {
            if (n > 0 && fileOffset <= file[n - 1]) {
                throw new IllegalArgumentException("pieces must be added in file order");
            }
            if (n == file.length) {
                file = Arrays.copyOf(file, n * 2);
                image = Arrays.copyOf(image, n * 2);
            }
            file[n] = fileOffset;
            image[n] = imageOffset;
            n++;
            return this;
        }

        OffsetMap build() {
            if (n == 0 || file[0] != 0) {
                throw new IllegalStateException("the first piece must start at file offset 0");
            }
            return new OffsetMap(Arrays.copyOf(file, n), Arrays.copyOf(image, n));
        }
    }

    /** Image offset of file offset {@code fileOffset} (negative offsets: the first piece's start). */
    long imageOffset(long fileOffset) {
        if (fileOffset < 0) {
            return imageOffsets[0];
        }
        int i = Arrays.binarySearch(fileOffsets, fileOffset);
        if (i < 0) {
            i = -i - 2;
        }
        return imageOffsets[i] + (fileOffset - fileOffsets[i]);
    }
}
