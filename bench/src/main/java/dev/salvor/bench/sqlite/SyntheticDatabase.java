package dev.salvor.bench.sqlite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a valid SQLite database image in memory, the way SQLite lays out a table filled by appending rows, so that
 * the benchmarks need no engine and no file. Layout:
 *
 * <pre>
 * page 1      : 100-byte database header + sqlite_schema table leaf (one row: CREATE TABLE t(...), rootpage 2)
 * page 2      : root of t (table interior page, or the only leaf for tiny tables)
 * pages 3..   : table leaf pages (cells packed from the page end in insertion order, pointers in rowid order),
 *               then the non-root interior pages
 * deleted rows: their cells stay in place with the first 4 bytes overwritten by a freeblock header (next, size);
 *               adjacent freed cells merge into one freeblock, as sqlite3 freeSpace() does
 * </pre>
 *
 * Table: {@code t(id INTEGER PRIMARY KEY, name TEXT, email TEXT, score REAL, n INTEGER, note TEXT)}; rows of about
 * 60 to 300 bytes (typical application rows), deterministic for a seed. The image passes {@code PRAGMA
 * integrity_check} of the real engine (checked when this class was written).
 *
 * @see <a href="https://www.sqlite.org/fileformat2.html">SQLite file format</a>
 */
public final class SyntheticDatabase {
    /** The schema of the single table. */
    public static final String SQL = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, email TEXT, score REAL, "
            + "n INTEGER, note TEXT)";

    private static final String WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
            + "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco "
            + "laboris nisi ut aliquip ex ea commodo consequat duis aute irure dolor in reprehenderit in voluptate ";

    private final byte[] image;
    private final int pageSize;
    private final long rows;
    private final long deletedRows;
    private final int leafPages;

    private SyntheticDatabase(byte[] image, int pageSize, long rows, long deletedRows, int leafPages) {
        this.image = image;
        this.pageSize = pageSize;
        this.rows = rows;
        this.deletedRows = deletedRows;
        this.leafPages = leafPages;
    }

    /** The whole file. */
    public byte[] image() {
        return image;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Rows still live in the table. */
    public long liveRows() {
        return rows - deletedRows;
    }

    /** Rows whose cells were freed into freeblocks. */
    public long deletedRows() {
        return deletedRows;
    }

    /** Leaf pages are pages {@code 3 .. 2 + leafPages}. */
    public int leafPages() {
        return leafPages;
    }

    /** The bytes of page {@code n} (1-based), copied. */
    public byte[] page(int n) {
        return Arrays.copyOfRange(image, (n - 1) * pageSize, n * pageSize);
    }

    /** One row's record (payload), deterministic for {@code (seed, rowid)}. */
    public static byte[] record(long rowid, SplittableRandom rnd) {
        String name = WORDS.substring(rnd.nextInt(40), 40 + rnd.nextInt(20)).trim();
        String email = "user" + rowid + "@example.org";
        double score = rnd.nextDouble() * 1000;
        long n = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(100);
            case 1 -> rnd.nextInt(1 << 20);
            case 2 -> rnd.nextLong(1L << 40);
            default -> rnd.nextLong();
        };
        int from = rnd.nextInt(WORDS.length() - 200);
        String note = rnd.nextInt(10) == 0 ? null : WORDS.substring(from, from + 20 + rnd.nextInt(180));
        return encodeRecord(new Object[] {null, name, email, score, n, note});
    }

    /** Encodes a record: header (size varint + serial types), then the values (fileformat2 2.1). */
    public static byte[] encodeRecord(Object[] values) {
        long[] types = new long[values.length];
        byte[][] bodies = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) {
                types[i] = 0;
                bodies[i] = new byte[0];
            } else if (v instanceof Long l) {
                long x = l;
                if (x == 0 || x == 1) {
                    types[i] = 8 + x;
                    bodies[i] = new byte[0];
                } else {
                    int size = x >= -128 && x < 128 ? 1 : x >= -32768 && x < 32768 ? 2
                            : x >= -8388608 && x < 8388608 ? 3 : x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE ? 4
                            : x >= -(1L << 47) && x < (1L << 47) ? 6 : 8;
                    types[i] = size <= 4 ? size : size == 6 ? 5 : 6;
                    bodies[i] = bigEndian(x, size);
                }
            } else if (v instanceof Double d) {
                types[i] = 7;
                bodies[i] = bigEndian(Double.doubleToLongBits(d), 8);
            } else if (v instanceof String s) {
                bodies[i] = s.getBytes(StandardCharsets.UTF_8);
                types[i] = 13 + 2L * bodies[i].length;
            } else {
                bodies[i] = (byte[]) v;
                types[i] = 12 + 2L * bodies[i].length;
            }
        }
        int typesLen = 0;
        for (long t : types) {
            typesLen += varintSize(t);
        }
        int h = typesLen + 1;
        if (varintSize(h) > 1) {
            h = typesLen + varintSize(typesLen + 2);
        }
        Buf b = new Buf();
        b.varint(h);
        for (long t : types) {
            b.varint(t);
        }
        for (byte[] x : bodies) {
            b.bytes(x);
        }
        return b.toArray();
    }

    /**
     * Builds a database of {@code rowCount} rows with 4096-byte pages; each row is deleted (its cell freed) with
     * probability {@code deleteFraction}. Rows must fit in a page (no overflow): they do, at most ~330 bytes.
     */
    public static SyntheticDatabase build(int rowCount, double deleteFraction, long seed) {
        final int ps = 4096;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<byte[]> leaves = new ArrayList<>();
        List<Long> leafMax = new ArrayList<>();
        long deleted = 0;
        long rowid = 1;
        while (rowid <= rowCount) {
            byte[] page = new byte[ps];
            int contentStart = ps;
            List<Integer> live = new ArrayList<>();
            List<int[]> freed = new ArrayList<>(); // {offset, size}
            long max = 0;
            while (rowid <= rowCount) {
                byte[] rec = record(rowid, rnd.split());
                Buf cell = new Buf();
                cell.varint(rec.length);
                cell.varint(rowid);
                cell.bytes(rec);
                byte[] c = cell.toArray();
                int ptrEnd = 8 + 2 * (live.size() + 1);
                if (contentStart - c.length < ptrEnd) {
                    break;
                }
                contentStart -= c.length;
                System.arraycopy(c, 0, page, contentStart, c.length);
                if (rnd.nextDouble() < deleteFraction) {
                    freed.add(new int[] {contentStart, c.length});
                    deleted++;
                } else {
                    live.add(contentStart);
                    max = rowid;
                }
                rowid++;
            }
            if (live.isEmpty()) {
                // SQLite would have freed the page; keep every leaf non-empty by reviving its last row.
                int[] last = freed.remove(freed.size() - 1);
                live.add(last[0]);
                deleted--;
                max = rowid - 1;
            }
            // Freeblocks: ascending offsets, adjacent ones merged. The first freed cell (lowest offset) that
            // touches the content start is not a freeblock in SQLite: freeing it moves the content start up.
            freed.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<int[]> merged = new ArrayList<>();
            for (int[] f : freed) {
                int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && last[0] + last[1] == f[0]) {
                    last[1] += f[1];
                } else {
                    merged.add(new int[] {f[0], f[1]});
                }
            }
            if (!merged.isEmpty() && merged.get(0)[0] == contentStart) {
                contentStart += merged.remove(0)[1];
            }
            for (int i = 0; i < merged.size(); i++) {
                int[] f = merged.get(i);
                put16(page, f[0], i + 1 < merged.size() ? merged.get(i + 1)[0] : 0);
                put16(page, f[0] + 2, f[1]);
            }
            page[0] = 13;
            put16(page, 1, merged.isEmpty() ? 0 : merged.get(0)[0]);
            put16(page, 3, live.size());
            put16(page, 5, contentStart);
            page[7] = 0;
            // pointers in rowid order = insertion order
            for (int i = 0; i < live.size(); i++) {
                put16(page, 8 + 2 * i, live.get(i));
            }
            leaves.add(page);
            leafMax.add(max);
        }
        // Interior levels: child numbers are assigned later; build the tree shape as lists of children.
        int leafCount = leaves.size();
        List<byte[]> pages = new ArrayList<>(); // pages 3.. in order
        pages.addAll(leaves);
        List<long[]> level = new ArrayList<>(); // {page number, max rowid}
        for (int i = 0; i < leafCount; i++) {
            level.add(new long[] {3 + i, leafMax.get(i)});
        }
        byte[] root;
        if (level.size() == 1) {
            root = pages.remove(0); // a single leaf is the root itself
            root = root.clone();
            level.clear();
        } else {
            while (true) {
                List<List<long[]>> groups = group(level, ps);
                if (groups.size() == 1) {
                    root = interior(groups.get(0), ps);
                    break;
                }
                List<long[]> next = new ArrayList<>();
                for (List<long[]> g : groups) {
                    pages.add(interior(g, ps));
                    next.add(new long[] {2 + pages.size(), g.get(g.size() - 1)[1]});
                }
                level = next;
            }
        }
        int total = 2 + pages.size();
        byte[] image = new byte[total * ps];
        byte[] page1 = page1(ps, total);
        System.arraycopy(page1, 0, image, 0, ps);
        System.arraycopy(root, 0, image, ps, ps);
        for (int i = 0; i < pages.size(); i++) {
            System.arraycopy(pages.get(i), 0, image, (2 + i) * ps, ps);
        }
        return new SyntheticDatabase(image, ps, rowCount, deleted, leafCount == 1 ? 0 : leafCount);
    }

    /** Splits children into interior pages: each holds n-1 cells (left child + max rowid) and a right child. */
    private static List<List<long[]>> group(List<long[]> children, int ps) {
        List<List<long[]>> out = new ArrayList<>();
        List<long[]> cur = new ArrayList<>();
        int used = 12;
        for (long[] c : children) {
            int cell = 4 + varintSize(c[1]) + 2;
            if (!cur.isEmpty() && used + cell > ps) {
                out.add(cur);
                cur = new ArrayList<>();
                used = 12;
            }
            cur.add(c);
            used += cell;
        }
        out.add(cur);
        // no interior page with a single child (the last group borrows one when needed)
        if (out.size() > 1 && out.get(out.size() - 1).size() < 2) {
            List<long[]> prev = out.get(out.size() - 2);
            out.get(out.size() - 1).add(0, prev.remove(prev.size() - 1));
        }
        return out;
    }

    private static byte[] interior(List<long[]> children, int ps) {
        byte[] page = new byte[ps];
        int content = ps;
        int n = children.size() - 1;
        for (int i = 0; i < n; i++) {
            Buf c = new Buf();
            c.bytes(bigEndian(children.get(i)[0], 4));
            c.varint(children.get(i)[1]);
            byte[] b = c.toArray();
            content -= b.length;
            System.arraycopy(b, 0, page, content, b.length);
            put16(page, 12 + 2 * i, content);
        }
        page[0] = 5;
        put16(page, 3, n);
        put16(page, 5, content);
        System.arraycopy(bigEndian(children.get(n)[0], 4), 0, page, 8, 4);
        return page;
    }

    private static byte[] page1(int ps, int pageCount) {
        byte[] p = new byte[ps];
        byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, p, 0, 16);
        put16(p, 16, ps == 65536 ? 1 : ps);
        p[18] = 1; // legacy (rollback journal) write and read versions
        p[19] = 1;
        p[20] = 0; // reserved bytes per page
        p[21] = 64;
        p[22] = 32;
        p[23] = 32;
        put32(p, 24, 1); // change counter
        put32(p, 28, pageCount);
        put32(p, 40, 1); // schema cookie
        put32(p, 44, 4); // schema format
        put32(p, 56, 1); // UTF-8
        put32(p, 92, 1); // version-valid-for = change counter, so the page count is valid
        put32(p, 96, 3040001);
        byte[] rec = encodeRecord(new Object[] {"table", "t", "t", 2L, SQL});
        Buf cell = new Buf();
        cell.varint(rec.length);
        cell.varint(1);
        cell.bytes(rec);
        byte[] c = cell.toArray();
        int off = ps - c.length;
        System.arraycopy(c, 0, p, off, c.length);
        p[100] = 13;
        put16(p, 103, 1);
        put16(p, 105, off);
        put16(p, 108, off);
        return p;
    }

    static int varintSize(long v) {
        if (v < 0 || (v >>> 56) != 0) {
            return 9;
        }
        int n = 1;
        while ((v >>> (7 * n)) != 0) {
            n++;
        }
        return n;
    }

    private static byte[] bigEndian(long v, int n) {
        byte[] b = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
        return b;
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Growable byte buffer with SQLite varints. */
    private static final class Buf {
        private byte[] b = new byte[64];
        private int n;

        void bytes(byte[] x) {
            ensure(x.length);
            System.arraycopy(x, 0, b, n, x.length);
            n += x.length;
        }

        void varint(long v) {
            if (v < 0 || (v >>> 56) != 0) {
                ensure(9);
                b[n + 8] = (byte) v;
                long x = v >>> 8;
                for (int i = 7; i >= 0; i--) {
                    b[n + i] = (byte) ((x & 0x7f) | 0x80);
                    x >>>= 7;
                }
                n += 9;
                return;
            }
            int size = varintSize(v);
            ensure(size);
            for (int i = size - 1; i >= 0; i--) {
                b[n + i] = (byte) ((v & 0x7f) | (i == size - 1 ? 0 : 0x80));
                v >>>= 7;
            }
            n += size;
        }

        private void ensure(int k) {
            if (n + k > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(b, n);
        }
    }
}
