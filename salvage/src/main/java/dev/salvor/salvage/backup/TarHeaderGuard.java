package dev.salvor.salvage.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Follows the tar framing in front of Commons Compress and stops a hostile archive before the parser allocates
 * what a header claims. Commons Compress 1.28 reads a PAX extended header ({@code x}) or a GNU long name
 * ({@code L}/{@code K}) wholly into memory, whatever its size field says: a 200 KB archive claiming a 200 MB PAX
 * value exhausts the heap. This guard sees every header record before the parser does and refuses such entries
 * (and global PAX headers and old GNU sparse entries, which salvor never writes) with an {@link IOException}.
 *
 * <table>
 *   <caption>ustar header fields read here (POSIX.1-2001 pax / ustar,
 *   <a href="https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html">pax</a>)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th><th>rule</th></tr>
 *   <tr><td>124</td><td>12</td><td>size</td><td>octal (NUL/space padded), or base-256 when the first byte has its
 *       high bit set; a data area of ceil(size/512) records follows</td></tr>
 *   <tr><td>156</td><td>1</td><td>typeflag</td><td>{@code x}: PAX header for the next entry, at most
 *       {@link #MAX_META_BYTES}, its {@code size} record (if any) replaces the next entry's size;
 *       {@code L}/{@code K}: GNU long name/link, at most {@link #MAX_META_BYTES}; {@code g} (global PAX) and
 *       {@code S} (old GNU sparse, whose extension records break the framing) are refused</td></tr>
 *   <tr><td>0..511 all zero</td><td></td><td>end-of-archive marker</td><td>framing stops: what follows is padding
 *       (checked by the reader)</td></tr>
 * </table>
 */
final class TarHeaderGuard extends FilterInputStream {
    /** Largest PAX header or GNU long name accepted. */
    static final int MAX_META_BYTES = 1 << 20;
    private static final int RECORD = 512;

    private final byte[] header = new byte[RECORD];
    private int headerFill;
    /** Data bytes still to pass before the next header. */
    private long dataLeft;
    /** Non-null while a PAX header's data is being collected. */
    private byte[] pax;
    private int paxFill;
    /** Size override for the next entry from a PAX {@code size} record, or -1. */
    private long nextSize = -1;
    private boolean ended;
    private long offset;

    TarHeaderGuard(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            track(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] b = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        int r = read(b, 0, b.length);
        return Math.max(r, 0);
    }

    private void track(byte[] b, int off, int n) throws IOException {
        int i = off;
        int end = off + n;
        if (ended) {
            // After the end-of-archive marker only zero padding may follow (the parser may read and drop a
            // record there without looking at it).
            for (int j = off; j < end; j++) {
                if (b[j] != 0) {
                    throw new IOException("after the tar end-of-archive marker: actual=non-zero byte at offset 0x"
                            + Long.toHexString(offset + (j - off)) + " vs expected=zero padding only (data appended"
                            + " inside the compressed stream)");
                }
            }
            offset += n;
            return;
        }
        while (i < end && !ended) {
            if (dataLeft > 0) {
                int k = (int) Math.min(dataLeft, end - i);
                if (pax != null) {
                    int keep = Math.min(k, pax.length - paxFill);
                    System.arraycopy(b, i, pax, paxFill, keep);
                    paxFill += keep;
                }
                dataLeft -= k;
                i += k;
                offset += k;
                if (dataLeft == 0 && pax != null) {
                    nextSize = paxSize(pax, paxFill);
                    pax = null;
                }
                continue;
            }
            int k = Math.min(RECORD - headerFill, end - i);
            System.arraycopy(b, i, header, headerFill, k);
            headerFill += k;
            i += k;
            offset += k;
            if (headerFill == RECORD) {
                headerFill = 0;
                onHeader();
            }
        }
        if (ended && i < end) {
            track(b, i, end - i); // the rest of this read, after the marker
        }
    }

    private void onHeader() throws IOException {
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            ended = true; // end-of-archive marker: from here on only zeros may follow
            return;
        }
        long at = offset - RECORD;
        byte type = header[156];
        long size = size(at);
        switch (type) {
            case 'x', 'X' -> {
                checkMeta(size, "PAX extended header", at);
                pax = new byte[(int) size];
                paxFill = 0;
            }
            case 'L', 'K' -> checkMeta(size, "GNU long " + (type == 'L' ? "name" : "link name"), at);
            case 'g' -> throw new IOException("tar: global PAX header at offset 0x" + Long.toHexString(at)
                    + ": actual=present vs expected=none (salvor never writes one; not a salvor backup)");
            case 'S' -> throw new IOException("tar: old GNU sparse file entry at offset 0x" + Long.toHexString(at)
                    + ": actual=sparse vs expected=regular files and directories only (not a salvor backup)");
            default -> {
                if (nextSize >= 0) {
                    size = nextSize; // a PAX size record replaces the header's (files over 8 GiB)
                }
                nextSize = -1;
            }
        }
        dataLeft = (size + RECORD - 1) / RECORD * RECORD;
        if (pax != null && dataLeft == 0) {
            pax = null;
        }
    }

    private static void checkMeta(long size, String what, long at) throws IOException {
        if (size > MAX_META_BYTES) {
            throw new IOException("tar: " + what + " size at offset 0x" + Long.toHexString(at) + ": actual=" + size
                    + " vs expected=at most " + MAX_META_BYTES + " bytes (hostile archive: a parser would allocate"
                    + " it whole)");
        }
    }

    /** The header's size field: octal, or base-256 (big-endian two's complement) when the high bit is set. */
    private long size(long at) throws IOException {
        if ((header[124] & 0x80) != 0) {
            if ((header[124] & 0x40) != 0) {
                throw new IOException("tar size field at offset 0x" + Long.toHexString(at) + ": actual=negative"
                        + " vs expected=a non-negative size (hostile archive)");
            }
            long v = header[124] & 0x3f;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >> 9)) {
                    throw new IOException("tar size field at offset 0x" + Long.toHexString(at) + ": actual=larger"
                            + " than 2^63 vs expected=a file size (hostile archive)");
                }
                v = v << 8 | (header[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = 124; i < 136; i++) {
            int c = header[i] & 0xff;
            if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IOException("tar size field at offset 0x" + Long.toHexString(at) + ": actual="
                        + EntryName.quote(new String(header, 124, 12, StandardCharsets.ISO_8859_1))
                        + " vs expected=octal digits (damaged header)");
            }
            digits = true;
            v = v * 8 + (c - '0');
        }
        return v;
    }

    /**
     * The {@code size} record of a PAX header ({@code "<len> size=<decimal>\n"}), or -1. Malformed records are left
     * to the parser, which refuses them.
     */
    private static long paxSize(byte[] d, int n) {
        int i = 0;
        long found = -1;
        while (i < n) {
            int j = i;
            long len = 0;
            while (j < n && d[j] >= '0' && d[j] <= '9' && len < n) {
                len = len * 10 + (d[j] - '0');
                j++;
            }
            if (j == i || j >= n || d[j] != ' ' || len <= 0 || i + len > n) {
                return found;
            }
            String rec = new String(d, j + 1, (int) (i + len - j - 1), StandardCharsets.UTF_8);
            if (rec.startsWith("size=") && rec.endsWith("\n")) {
                try {
                    found = Long.parseLong(rec.substring(5, rec.length() - 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            i += (int) len;
        }
        return found;
    }
}
