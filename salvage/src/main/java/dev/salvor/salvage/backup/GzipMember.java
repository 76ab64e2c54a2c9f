package dev.salvor.salvage.backup;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A strict reader of a file that must be exactly one gzip member (RFC 1952), as salvor writes its backups.
 * {@link java.util.zip.GZIPInputStream} silently ignores trailing garbage and reads on into a second member; an
 * archive whose completeness we vouch for must not: after the member's trailer the file must end.
 *
 * <table>
 *   <caption>gzip member (RFC 1952 §2.3, <a href="https://www.rfc-editor.org/rfc/rfc1952">rfc1952</a>)</caption>
 *   <tr><th>field</th><th>size</th><th>rule here</th></tr>
 *   <tr><td>ID1 ID2</td><td>2</td><td>{@code 1f 8b}</td></tr>
 *   <tr><td>CM</td><td>1</td><td>8 (deflate)</td></tr>
 *   <tr><td>FLG</td><td>1</td><td>FTEXT 1, FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16; reserved bits 0xE0 must be 0</td></tr>
 *   <tr><td>MTIME, XFL, OS</td><td>4+1+1</td><td>ignored</td></tr>
 *   <tr><td>[XLEN + extra]</td><td>2+XLEN</td><td>if FEXTRA; skipped</td></tr>
 *   <tr><td>[file name], [comment]</td><td>NUL-terminated</td><td>if FNAME / FCOMMENT; at most 64 KiB each</td></tr>
 *   <tr><td>[CRC16]</td><td>2</td><td>if FHCRC: low 16 bits of the CRC-32 of the header, verified</td></tr>
 *   <tr><td>deflate data</td><td>…</td><td>raw deflate (RFC 1951) to its final block</td></tr>
 *   <tr><td>CRC32</td><td>4 (LE)</td><td>CRC-32 of the uncompressed data, verified</td></tr>
 *   <tr><td>ISIZE</td><td>4 (LE)</td><td>uncompressed size mod 2<sup>32</sup>, verified</td></tr>
 *   <tr><td>(end of file)</td><td></td><td>required: a second member or any trailing byte is refused</td></tr>
 * </table>
 *
 * <p>Every problem is an {@link IOException} whose message says what was expected and what was found, with the
 * compressed offset. Not thread-safe.
 */
public final class GzipMember extends InputStream {
    private static final int MAX_HEADER_STRING = 64 * 1024;
    private final InputStream in;
    private final String resource;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buf = new byte[1 << 16];
    /** Bytes of {@link #buf} holding compressed input not yet given to the inflater ({@code [bufPos, bufEnd)}). */
    private int bufPos;
    private int bufEnd;
    /** Compressed bytes consumed from {@link #in} so far (for offsets in messages). */
    private long consumed;
    private long uncompressed;
    private boolean finished;
    private boolean closed;

    /**
     * @param in       the raw file bytes, positioned at the start
     * @param resource the file's name, for messages
     */
    public GzipMember(InputStream in, String resource) throws IOException {
        this.in = in;
        this.resource = resource;
        readHeader();
    }

    private int rawByte() throws IOException {
        if (bufPos == bufEnd && !fill()) {
            throw new EOFException(msg("gzip stream truncated: the file ends inside the member header or trailer",
                    consumed));
        }
        consumed++;
        return buf[bufPos++] & 0xff;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        bufPos = 0;
        bufEnd = n;
        return true;
    }

    private void readHeader() throws IOException {
        CRC32 hcrc = new CRC32();
        int[] h = new int[10];
        for (int i = 0; i < 10; i++) {
            h[i] = rawByte();
            hcrc.update(h[i]);
        }
        if (h[0] != 0x1f || h[1] != 0x8b) {
            throw new IOException(msg(String.format("gzip magic: actual=%02x %02x vs expected=1f 8b (not a gzip file)",
                    h[0], h[1]), 0));
        }
        if (h[2] != 8) {
            throw new IOException(msg("gzip compression method: actual=" + h[2] + " vs expected=8 (deflate)", 2));
        }
        int flg = h[3];
        if ((flg & 0xe0) != 0) {
            throw new IOException(msg(String.format("gzip flags: actual=0x%02x vs expected reserved bits 0xe0 clear"
                    + " (not a gzip member written by a conforming tool)", flg), 3));
        }
        if ((flg & 4) != 0) {
            int b0 = rawByte();
            int b1 = rawByte();
            hcrc.update(b0);
            hcrc.update(b1);
            int xlen = b0 | b1 << 8;
            for (int i = 0; i < xlen; i++) {
                hcrc.update(rawByte());
            }
        }
        for (int bit : new int[] {8, 16}) {
            if ((flg & bit) != 0) {
                int n = 0;
                int c;
                do {
                    c = rawByte();
                    hcrc.update(c);
                    if (++n > MAX_HEADER_STRING) {
                        throw new IOException(msg("gzip header " + (bit == 8 ? "file name" : "comment")
                                + ": actual=longer than " + MAX_HEADER_STRING + " bytes vs expected=a short"
                                + " NUL-terminated string (not a gzip header)", consumed));
                    }
                } while (c != 0);
            }
        }
        if ((flg & 2) != 0) {
            long at = consumed;
            int stored = rawByte() | rawByte() << 8;
            int actual = (int) (hcrc.getValue() & 0xffff);
            if (stored != actual) {
                throw new IOException(msg(String.format("gzip header CRC16: actual=%04x vs expected=%04x (header"
                        + " damaged)", actual, stored), at));
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (!finished) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new IOException(msg("deflate data: actual=invalid (" + e.getMessage() + ") vs expected=a valid"
                        + " deflate stream (archive damaged)", consumed - inflater.getRemaining()), e);
            }
            if (n > 0) {
                crc.update(b, off, n);
                uncompressed += n;
                return n;
            }
            if (inflater.finished()) {
                finishMember();
                break;
            }
            if (inflater.needsDictionary()) {
                throw new IOException(msg("deflate data: actual=needs a preset dictionary vs expected=none (not a"
                        + " gzip member)", consumed));
            }
            if (inflater.needsInput()) {
                // Bytes left in the buffer after the header go first; then the next read of the file.
                if (bufPos == bufEnd && !fill()) {
                    throw new EOFException(msg("gzip stream truncated: actual=end of file inside the compressed data"
                            + " vs expected=the final deflate block and the 8-byte trailer (archive cut short)",
                            consumed));
                }
                consumed += bufEnd - bufPos;
                inflater.setInput(buf, bufPos, bufEnd - bufPos);
                bufPos = bufEnd;
            }
        }
        return -1;
    }

    /** Verifies the trailer and that nothing follows the member. */
    private void finishMember() throws IOException {
        // The inflater stops at the final block; bytes it did not use are the trailer (and whatever follows).
        int remaining = inflater.getRemaining();
        bufPos = bufEnd - remaining;
        consumed -= remaining;
        long trailerAt = consumed;
        long storedCrc = 0;
        for (int i = 0; i < 4; i++) {
            storedCrc |= (long) rawByte() << (8 * i);
        }
        long storedSize = 0;
        for (int i = 0; i < 4; i++) {
            storedSize |= (long) rawByte() << (8 * i);
        }
        if (storedCrc != crc.getValue()) {
            throw new IOException(msg(String.format("gzip CRC-32: actual=%08x vs expected=%08x (decompressed data"
                    + " damaged)", crc.getValue(), storedCrc), trailerAt));
        }
        if (storedSize != (uncompressed & 0xffffffffL)) {
            throw new IOException(msg("gzip ISIZE: actual=" + (uncompressed & 0xffffffffL) + " vs expected="
                    + storedSize + " (archive damaged)", trailerAt + 4));
        }
        finished = true;
        long after = consumed;
        int first = -1;
        int second = -1;
        long extra = 0;
        while (true) {
            if (bufPos == bufEnd && !fill()) {
                break;
            }
            int c = buf[bufPos++] & 0xff;
            if (extra == 0) {
                first = c;
            } else if (extra == 1) {
                second = c;
            }
            extra++;
            if (extra > (1 << 20)) {
                break; // enough counted to say what follows
            }
        }
        if (extra > 0) {
            if (first == 0x1f && second == 0x8b) {
                throw new IOException(msg("after the gzip member: actual=a second gzip member vs expected=end of file"
                        + " (bytes appended to the archive)", after));
            }
            throw new IOException(msg("after the gzip member: actual=" + (extra > (1 << 20) ? "more than 1 MiB"
                    : extra + " byte(s)") + " of trailing data vs expected=end of file (bytes appended to the"
                    + " archive)", after));
        }
    }

    /** Uncompressed bytes returned so far. */
    public long uncompressedBytes() {
        return uncompressed;
    }

    /** True once the trailer was verified and the end of the file reached. */
    public boolean finished() {
        return finished;
    }

    private String msg(String what, long offset) {
        return what + " (resource=" + resource + ", offset=0x" + Long.toHexString(offset) + ")";
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inflater.end();
            in.close();
        }
    }
}
