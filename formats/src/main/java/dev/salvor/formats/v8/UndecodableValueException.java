package dev.salvor.formats.v8;

/**
 * Why a value could not be decoded and where: the reason in salvor's error style and the offset of the byte that
 * did not fit, relative to the start of the bytes being decoded (the serialized value, or the record value for
 * the envelope and wrapping steps).
 */
public final class UndecodableValueException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public UndecodableValueException(String reason, long offset) {
        super(reason);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
