package dev.salvor.formats.v8;

/** The sub-tag of an ArrayBufferView ({@code V}): which typed array, or a DataView, and its element size. */
public enum ViewKind {
    INT8('b', "Int8Array", 1),
    UINT8('B', "Uint8Array", 1),
    UINT8_CLAMPED('C', "Uint8ClampedArray", 1),
    INT16('w', "Int16Array", 2),
    UINT16('W', "Uint16Array", 2),
    INT32('d', "Int32Array", 4),
    UINT32('D', "Uint32Array", 4),
    FLOAT16('h', "Float16Array", 2),
    FLOAT32('f', "Float32Array", 4),
    FLOAT64('F', "Float64Array", 8),
    BIGINT64('q', "BigInt64Array", 8),
    BIGUINT64('Q', "BigUint64Array", 8),
    DATA_VIEW('?', "DataView", 1);

    private final char tag;
    private final String jsName;
    private final int elementSize;

    ViewKind(char tag, String jsName, int elementSize) {
        this.tag = tag;
        this.jsName = jsName;
        this.elementSize = elementSize;
    }

    /** The JavaScript constructor's name. */
    public String jsName() {
        return jsName;
    }

    public int elementSize() {
        return elementSize;
    }

    /** The kind for a sub-tag byte, or null when V8 defines none. */
    public static ViewKind of(int tag) {
        for (ViewKind k : values()) {
            if (k.tag == tag) {
                return k;
            }
        }
        return null;
    }
}
