package dev.salvor.salvage.report;

/**
 * Where a salvaged record lies in a raw image, for the leading {@code image_offset} member of its JSON line: given
 * the record's {@code file} and its {@code offset} in that file (negative when the record has none), the offset in
 * the image, or a negative number when the record gets no {@code image_offset}. Carving knows where each carved file
 * came from; a salvage of ordinary files uses {@link #NONE}.
 */
@FunctionalInterface
public interface ImageOffsets {
    /** No record gets an {@code image_offset}. */
    ImageOffsets NONE = (file, offset) -> -1;

    /** The image offset of the record at {@code offset} in {@code file}, or a negative number for none. */
    long of(String file, long offset);
}
