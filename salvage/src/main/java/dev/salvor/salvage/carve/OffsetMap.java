package dev.salvor.salvage.carve;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the bytes of a file built from an image came from: a piecewise map from file offsets to image offsets. A
 * carved contiguous file is one piece; a file assembled from fragments (a set of lone SQLite pages, with a
 * synthetic first page) has one piece per fragment, and bytes that came from no image region (synthetic filler)
 * map to nothing.
 */
final class OffsetMap {
    /** One piece: file bytes {@code [fileOffset, fileOffset + length)} are image bytes from {@code imageOffset}. */
    record Piece(long fileOffset, long imageOffset, long length) {
    }

    private final List<Piece> pieces = new ArrayList<>();

    /** A map of one contiguous piece: the whole file lies at {@code imageOffset}. */
    static OffsetMap contiguous(long imageOffset, long length) {
        OffsetMap m = new OffsetMap();
        m.add(0, imageOffset, length);
        return m;
    }

    /** Adds a piece; pieces must be added in ascending, non-overlapping file order. */
    OffsetMap add(long fileOffset, long imageOffset, long length) {
        if (!pieces.isEmpty()) {
            Piece last = pieces.get(pieces.size() - 1);
            if (fileOffset < last.fileOffset() + last.length()) {
                throw new IllegalArgumentException("pieces out of order at file offset " + fileOffset);
            }
        }
        pieces.add(new Piece(fileOffset, imageOffset, length));
        return this;
    }

    /** The image offset of file offset {@code at}, or {@code null} when no piece holds it. */
    Long toImage(long at) {
        int lo = 0;
        int hi = pieces.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Piece p = pieces.get(mid);
            if (at < p.fileOffset()) {
                hi = mid - 1;
            } else if (at >= p.fileOffset() + p.length()) {
                lo = mid + 1;
            } else {
                return p.imageOffset() + (at - p.fileOffset());
            }
        }
        return null;
    }

    /** Index (0-based) of the piece holding file offset {@code at}, or -1. */
    int pieceOf(long at) {
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            if (at >= p.fileOffset() && at < p.fileOffset() + p.length()) {
                return i;
            }
        }
        return -1;
    }

    /** Image offset of the first piece (where a record without an offset is placed), or {@code null}. */
    Long start() {
        return pieces.isEmpty() ? null : pieces.get(0).imageOffset();
    }

    List<Piece> pieces() {
        return pieces;
    }
}
