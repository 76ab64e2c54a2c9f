package dev.salvor.formats.v8;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of a LevelDB backend blob-entry record (key index id 3): the record's external objects, one after
 * another, as Chromium's {@code EncodeExternalObjects} writes them: a type byte (0 Blob, 1 File, 2
 * file-system-access handle); for a Blob or File the blob number (varint), the MIME type (StringWithLength: varint
 * UTF-16 code-unit count, then UTF-16BE) and the size (varint); for a File also the file name (StringWithLength)
 * and the last modification (varint, microseconds since 1601-01-01 UTC, base::Time's internal value); for a handle
 * its token (varint length, then bytes).
 */
public final class ExternalObjects {
    /** Microseconds from 1601-01-01 to 1970-01-01 (Windows epoch to Unix epoch). */
    public static final long WINDOWS_TO_UNIX_MICROS = 11_644_473_600_000_000L;

    private ExternalObjects() {
    }

    public static List<ExternalObject> decode(byte[] value) throws UndecodableValueException {
        V8Cursor in = new V8Cursor(value, 0, value.length);
        List<ExternalObject> out = new ArrayList<>();
        while (!in.atEnd()) {
            int at = in.position();
            int type = in.readByte();
            if (type == 0 || type == 1) {
                long blobNumber = in.varint64();
                String mime = stringWithLength(in);
                long size = in.varint64();
                String name = null;
                double lastModified = Double.NaN;
                if (type == 1) {
                    name = stringWithLength(in);
                    long micros = in.varint64();
                    lastModified = (micros - WINDOWS_TO_UNIX_MICROS) / 1000.0;
                }
                out.add(new ExternalObject(type == 0 ? ExternalObject.Kind.BLOB : ExternalObject.Kind.FILE,
                        blobNumber, mime, size, name, lastModified, null));
            } else if (type == 2) {
                byte[] token = in.bytes(in.varint64(), "file-system-access token");
                out.add(new ExternalObject(ExternalObject.Kind.FILE_SYSTEM_ACCESS_HANDLE, -1, "", -1, null,
                        Double.NaN, token));
            } else {
                throw new UndecodableValueException("external object type: actual=" + type
                        + " vs expected=0 Blob, 1 File or 2 file-system-access handle", at);
            }
        }
        return out;
    }

    private static String stringWithLength(V8Cursor in) throws UndecodableValueException {
        long units = in.varint64();
        int at = in.position();
        if (units > in.remaining() / 2) {
            throw new UndecodableValueException("StringWithLength: actual=" + units + " code units vs expected=at most "
                    + in.remaining() / 2 + " (bytes left)", at);
        }
        byte[] b = in.bytes(units * 2, "StringWithLength");
        return new String(b, StandardCharsets.UTF_16BE);
    }
}
