package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Malformed;

import java.util.ArrayList;
import java.util.List;

/**
 * Carves deleted cells out of a free region of a b-tree page (a freeblock or the unallocated gap) for one known
 * table.
 *
 * <p>Two techniques:
 * <ul>
 * <li><b>Intact cells</b>: at every offset, try to read a complete cell (payload-size varint, rowid varint, record
 * header, values); accept it only if the record is exactly consistent (header + body == payload size), every text
 * decodes strictly in the database encoding without control characters, the cell fits in the region, any overflow
 * chain is complete, and the serial types match the table's shape ({@link TableInfo#matches}).</li>
 * <li><b>Header reconstruction</b> at a freeblock start, whose first 4 bytes were overwritten by the freeblock
 * header (next offset, size): the payload-size and rowid varints and the record-header size are lost, and when both
 * varints are one byte, so is the first serial type. For each hypothesis of where the serial types start
 * (4..12 bytes into the block; 3 with the first type lost), the remaining types are read, the header size and
 * payload size recomputed and checked (the header-size byte when it survived, the payload-size varint length against
 * the bytes available), the first type is taken from the rowid alias (always NULL) or from the size the freeblock
 * leaves for it; the record must then decode strictly and match the shape. The rowid is lost (reported as
 * {@code null}; the alias column is marked unknown).</li>
 * </ul>
 * Resynchronisation: after an accepted cell the scan continues at its end; otherwise one byte later.
 */
final class FreeSpaceCarver {
    /** A carved cell: offsets within the page, rowid (null when lost), record, unknown stored-column indexes. */
    record Carved(int offset, int end, Long rowid, Record record, List<Integer> unknown) {
    }

    private final SqliteDatabase db;
    private final TextEncoding enc;
    private final int usable;

    private final java.util.function.LongPredicate inUse;

    /** {@code inUse}: pages owned by live structures (b-tree or live overflow pages), never part of a deleted row. */
    FreeSpaceCarver(SqliteDatabase db, java.util.function.LongPredicate inUse) {
        this.db = db;
        this.inUse = inUse;
        this.enc = db.encoding();
        this.usable = db.usableSize();
    }

    /** Carves {@code page[start, end)}; {@code headerLost} when start is a freeblock start. */
    List<Carved> carve(byte[] page, int start, int end, boolean headerLost, TableInfo t, boolean tableLeaf) {
        List<Carved> out = new ArrayList<>();
        end = Math.min(end, usable);
        int p = start;
        if (headerLost && tableLeaf && end - start >= 6) {
            Carved c = reconstruct(page, start, end, t);
            if (c != null) {
                out.add(c);
                p = c.end();
            } else {
                p = start + 4;
            }
        } else if (headerLost) {
            p = start + 4;
        }
        while (p + 3 <= end) {
            Carved c = intact(page, p, end, t, tableLeaf);
            if (c != null) {
                out.add(c);
                p = c.end();
            } else {
                p++;
            }
        }
        return out;
    }

    /** An intact cell of table {@code t} starting exactly at {@code p} and ending by {@code end}, or null. */
    Carved intactAt(byte[] page, int p, int end, TableInfo t, boolean tableLeaf) {
        return intact(page, p, Math.min(end, usable), t, tableLeaf);
    }

    private Carved intact(byte[] page, int p, int end, TableInfo t, boolean tableLeaf) {
        try {
            long payload = SqliteVarint.read(page, p, end);
            int q = p + SqliteVarint.length(page, p, end);
            if (payload < 2 || payload > db.limits().maxRecordBytes()) {
                return null;
            }
            Long rowid = null;
            if (tableLeaf) {
                rowid = SqliteVarint.read(page, q, end);
                q += SqliteVarint.length(page, q, end);
            }
            int local = Cell.localSize(payload, usable, tableLeaf);
            int cellEnd = q + local + (local < payload ? 4 : 0);
            if (cellEnd > end) {
                return null;
            }
            // quick header check before assembling anything
            long h = SqliteVarint.read(page, q, end);
            if (h < 2 || h > Math.min(payload, local)) {
                return null;
            }
            byte[] bytes = payloadBytes(page, q, local, payload, local < payload ? DatabaseHeader.u32(page, q + local)
                    : 0);
            if (bytes == null) {
                return null;
            }
            Record r = Record.decode(bytes, 0, bytes.length, payload, enc, true);
            if (!plausible(r) || !t.matches(r.serialTypes(), false)) {
                return null;
            }
            return new Carved(p, cellEnd, rowid, r, List.of());
        } catch (Malformed m) {
            return null;
        }
    }

    private Carved reconstruct(byte[] page, int start, int end, TableInfo t) {
        int n = t.columns;
        Carved best = null;
        for (int s = start + 3; s <= start + 12 && s < end; s++) {
            try {
                boolean firstLost = s < start + 4;
                int typesFrom = firstLost ? start + 4 : s;
                int known = firstLost ? n - 1 : n;
                long[] types = new long[n];
                int q = typesFrom;
                long restBody = 0;
                for (int i = firstLost ? 1 : 0; i < n; i++) {
                    long ty = SqliteVarint.read(page, q, end);
                    q += SqliteVarint.length(page, q, end);
                    long sz = SerialType.contentSize(ty);
                    if (sz < 0) {
                        throw new Malformed(dev.salvor.formats.core.DamageKind.BAD_RECORD, q, "reserved type");
                    }
                    types[i] = ty;
                    restBody += sz;
                }
                int typesLen = q - typesFrom + (firstLost ? 1 : 0);
                List<Integer> unknown = new ArrayList<>();
                if (firstLost) {
                    if (t.ipk == 0) {
                        types[0] = 0;
                    } else {
                        long body0 = end - (long) q - restBody;
                        long ty = typeForSize(body0, t, 0);
                        if (ty < 0) {
                            continue;
                        }
                        types[0] = ty;
                        if (body0 == 0) {
                            unknown.add(0); // NULL, 0 or 1: the size does not tell
                        }
                    }
                }
                long h = 1 + typesLen;
                if (h > 127) {
                    continue;
                }
                if (s - 1 >= start + 4 && (page[s - 1] & 0xff) != h) {
                    continue; // the header-size byte survived and disagrees
                }
                long body = restBody + SerialType.contentSize(types[0]) * (firstLost ? 1 : 0);
                if (!firstLost) {
                    body = restBody;
                }
                long payload = h + body;
                int varints = s - 1 - start; // bytes of payload-size + rowid varints
                int lp = SqliteVarint.sizeOf(payload);
                if (varints < lp + 1 || varints > lp + 9) {
                    continue;
                }
                int local = Cell.localSize(payload, usable, true);
                int cellEnd = s - 1 + local + (local < payload ? 4 : 0);
                if (cellEnd > end || (firstLost && t.ipk != 0 && cellEnd != end)) {
                    continue;
                }
                // rebuild the payload: header-size byte, serial types (first one re-encoded if lost), the rest
                byte[] localBytes = new byte[local];
                System.arraycopy(page, s - 1, localBytes, 0, local);
                localBytes[0] = (byte) h;
                if (firstLost) {
                    localBytes[1] = (byte) types[0];
                }
                byte[] bytes = local < payload ? assemble(localBytes, payload, DatabaseHeader.u32(page, s - 1 + local))
                        : localBytes;
                if (bytes == null) {
                    continue;
                }
                Record r = Record.decode(bytes, 0, bytes.length, payload, enc, true);
                if (r.serialTypes().length != n || !plausible(r) || !t.matches(r.serialTypes(), true)) {
                    continue;
                }
                if (t.ipk >= 0) {
                    unknown.add(t.ipk);
                }
                Carved c = new Carved(start, cellEnd, null, r, unknown);
                if (cellEnd == end) {
                    return c; // exact fit: the freeblock is exactly this cell
                }
                if (best == null && s - 1 >= start + 4) {
                    best = c; // header-size byte verified; the block also holds other freed bytes
                }
            } catch (Malformed m) {
                // hypothesis rejected
            }
        }
        return best;
    }

    /** Serial type for a lost first column from its content size and declared affinity; -1 if impossible. */
    private static long typeForSize(long size, TableInfo t, int col) {
        if (size < 0 || size > 57) {
            return -1; // larger content would need a 2-byte serial type, contradicting the hypothesis
        }
        int seen = t.profile[col] & ~1;
        switch ((int) size) {
            case 0: return 0;
            case 1: return (seen & 2) != 0 || seen == 0 ? 1 : textOrBlob(size, seen);
            case 2: return (seen & 2) != 0 || seen == 0 ? 2 : textOrBlob(size, seen);
            case 3: return (seen & 2) != 0 || seen == 0 ? 3 : textOrBlob(size, seen);
            case 4: return (seen & 2) != 0 || seen == 0 ? 4 : textOrBlob(size, seen);
            case 6: return (seen & 2) != 0 || seen == 0 ? 5 : textOrBlob(size, seen);
            case 8:
                if ((seen & 4) != 0 || t.realAffinity[col]) {
                    return 7;
                }
                return (seen & 2) != 0 || seen == 0 ? 6 : textOrBlob(size, seen);
            default: return textOrBlob(size, seen);
        }
    }

    private static long textOrBlob(long size, int seen) {
        if ((seen & 16) != 0 && (seen & 8) == 0) {
            return 12 + 2 * size;
        }
        return 13 + 2 * size;
    }

    private byte[] payloadBytes(byte[] page, int q, int local, long payload, long firstOverflow) {
        byte[] localBytes = new byte[local];
        System.arraycopy(page, q, localBytes, 0, local);
        return local < payload ? assemble(localBytes, payload, firstOverflow) : localBytes;
    }

    /** Local bytes plus the overflow chain; {@code null} unless the chain is complete. */
    private byte[] assemble(byte[] localBytes, long payload, long first) {
        Cell fake = new Cell(0, 0, 0, 0, payload, 0, localBytes.length, first);
        OverflowChain.Result r = OverflowChain.read(db, localBytes, fake, 0, DamageSink.IGNORE, inUse);
        return r.complete() ? r.bytes() : null;
    }

    /** Carving-only plausibility: text without control characters other than tab, CR, LF. */
    static boolean plausible(Record r) {
        boolean any = false;
        for (Object v : r.values()) {
            any |= v != null;
            if (v instanceof String) {
                String s = (String) v;
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffd) {
                        return false;
                    }
                }
            }
        }
        return any; // a record of NULLs only carries no evidence
    }
}
