package dev.salvor.formats.carve;

import dev.salvor.formats.core.ByteSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused pass 1 calls each probe exactly at the offsets its trigger selects (compared with a byte-by-byte
 * reference over the whole image), whatever the chunk size, at the image end, and for every shape of the word test
 * (one merged pair, two pairs, the generic loop with edge byte values 0x00, 0x7f, 0x80, 0xff).
 */
class SignatureScanTest {

    /** Records every offset it is called at. */
    private static final class Recorder implements Probe {
        final Trigger trigger;
        final Set<Long> seen = new TreeSet<>();

        Recorder(Trigger trigger) {
            this.trigger = trigger;
        }

        @Override
        public int overlap() {
            return 7;
        }

        @Override
        public Trigger trigger() {
            return trigger;
        }

        @Override
        public void at(ImageChunk chunk, int i, Sink sink) {
            if (i < 0 || i >= chunk.length()) {
                throw new AssertionError("offset outside the chunk's own bytes: " + i);
            }
            synchronized (seen) {
                if (!seen.add(chunk.start() + i)) {
                    throw new AssertionError("called twice at " + (chunk.start() + i));
                }
            }
        }

        @Override
        public List<Artifact> confirm(List<Long> candidates) {
            return List.of();
        }
    }

    /** The offsets where the trigger holds, byte by byte over the whole image. */
    private static Set<Long> expected(byte[] img, Trigger t) {
        Set<Long> s = new TreeSet<>();
        for (int o = 0; o < img.length; o++) {
            if (t.alignment() > 0) {
                // A byte test lets the probe be called where the byte is admitted or lies past the image.
                int at = o + t.byteAt();
                if (o % t.alignment() == 0 && (t.byteAt() < 0 || at >= img.length || t.admits(img[at] & 0xff))) {
                    s.add((long) o);
                }
                continue;
            }
            for (Trigger.Window w : t.windows()) {
                boolean m = o + w.length() <= img.length;
                for (int k = 0; m && k < w.length(); k++) {
                    m = (img[o + k] & w.maskAt(k)) == w.valueAt(k);
                }
                if (m) {
                    s.add((long) o);
                }
            }
        }
        return s;
    }

    private static final Probe.Sink NO_SINK = new Probe.Sink() {
        @Override
        public void propose(long offset) {
        }

        @Override
        public void found(Artifact artifact) {
        }
    };

    private static void check(byte[] img, List<Trigger> triggers) {
        for (int chunk : new int[]{16, 37, 1000, 4096, 4096 * 2 + 5, img.length}) {
            List<Recorder> probes = new ArrayList<>();
            for (Trigger t : triggers) {
                probes.add(new Recorder(t));
            }
            SignatureScan scan = new SignatureScan(probes);
            Probe.Sink[] sinks = new Probe.Sink[probes.size()];
            java.util.Arrays.fill(sinks, NO_SINK);
            ByteSource src = ByteSource.of("img", img);
            ImageChunk c = new ImageChunk();
            for (long s = 0; s < img.length; s += chunk) {
                int len = (int) Math.min(chunk, img.length - s);
                c.fill(src, s, len, (int) Math.min((long) len + Probe.MAX_OVERLAP, img.length - s));
                scan.scan(c, sinks);
            }
            for (Recorder r : probes) {
                assertEquals(expected(img, r.trigger), r.seen, "chunk " + chunk + ", trigger " + r.trigger);
            }
        }
    }

    private static byte[] image(long seed, byte[]... planted) {
        Random rnd = new Random(seed);
        byte[] img = new byte[20_011];
        rnd.nextBytes(img);
        // Zero and constant runs, then prefixes planted at random offsets and at the very end (partly cut off).
        java.util.Arrays.fill(img, 3000, 7000, (byte) 0);
        java.util.Arrays.fill(img, 9000, 9100, (byte) 0x57);
        for (byte[] p : planted) {
            for (int k = 0; k < 40; k++) {
                int at = rnd.nextInt(img.length - p.length);
                System.arraycopy(p, 0, img, at, p.length);
            }
            System.arraycopy(p, 0, img, img.length - p.length, p.length);
            int cut = Math.min(3, p.length - 1);
            System.arraycopy(p, 0, img, img.length - cut, cut);
        }
        return img;
    }

    @Test
    void todaysProbesOnePairAndAlignment() {
        byte[] table = {0x57, (byte) 0xfb, (byte) 0x80, (byte) 0x8b, 0x24, 0x75, 0x47, (byte) 0xdb};
        byte[] sqlite = "SQLite f".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        check(image(1, table, sqlite), List.of(Trigger.prefix(table), Trigger.aligned(512), Trigger.prefix(sqlite)));
    }

    /**
     * Aligned triggers with a byte test (the LevelDB log's type byte 6 bytes in, a SQLite page's type byte at 0)
     * beside today's other triggers: called exactly at the aligned offsets whose byte is admitted, including where
     * the byte lies in the next segment, in the chunk overlap, or past the end of the image (then always called).
     */
    @Test
    void alignedByteTestsAsTheLogAndPageProbesUseThem() {
        byte[] img = image(5, new byte[]{2, 0, 0, 0, 0, 0, 1}, new byte[]{13, 0, 0, 0, 0, 0, 4});
        // Admitted bytes at many aligned offsets (and at every segment's last aligned offsets), then cut by the end.
        Random rnd = new Random(6);
        for (int o = 0; o + 8 <= img.length; o += 8) {
            if (rnd.nextInt(3) == 0) {
                img[o] = (byte) new int[]{2, 5, 10, 13}[rnd.nextInt(4)];
            }
            if (rnd.nextInt(3) == 0) {
                img[o + 6] = (byte) (1 + rnd.nextInt(4));
            }
        }
        check(img, List.of(Trigger.aligned(16, 6, 1, 2, 3, 4), Trigger.aligned(8, 0, 2, 5, 10, 13),
                Trigger.aligned(512, 6, 1, 2, 3, 4), Trigger.aligned(8, 7, 0),
                Trigger.firstByteThen(0xffff_0000_0000_0000L, 0L, 1, 2),
                Trigger.prefix(new byte[]{0x57, (byte) 0xfb, (byte) 0x80, (byte) 0x8b, 0x24, 0x75, 0x47, (byte) 0xdb})));
        // The last aligned offsets of an image whose length leaves their tested byte outside it.
        byte[] cut = java.util.Arrays.copyOf(img, 20_003);
        check(cut, List.of(Trigger.aligned(16, 6, 9), Trigger.aligned(8, 7, 0)));
    }

    @Test
    void twoPairsAndShortPrefixes() {
        // 0x37 and 0xd9 (WAL and journal magics' first bytes) differ in more than one bit: two pairs.
        byte[] wal = {0x37, 0x7f, 0x06};
        byte[] journal = {(byte) 0xd9, (byte) 0xd5};
        check(image(2, wal, journal), List.of(Trigger.prefix(wal), Trigger.prefix(journal), Trigger.aligned(8)));
    }

    @Test
    void genericLoopWithEdgeBytes() {
        check(image(3, new byte[]{0}, new byte[]{(byte) 0x80}),
                List.of(Trigger.firstByte(0x00, 0xff), Trigger.firstByte(0x7f, 0x80), Trigger.firstByte(0x22),
                        Trigger.prefix((byte) 0x80, (byte) 0x00), Trigger.aligned(4096)));
    }

    @Test
    void firstByteThenWindowsAsTheUnalignedLogAndJsonProbesUseThem() {
        // a log record's type byte 1 with zero sequence top bytes 6 and 7 after it; '"' then 'c'/'e'
        byte[] log = {1, 9, 9, 9, 9, 9, 0, 0};
        byte[] json = {'"', 'c', 'u'};
        byte[] json2 = {'"', 'e', 'n'};
        check(image(6, log, json, json2, new byte[]{2, 0, 0, 0, 0, 0, 0, 0}),
                List.of(Trigger.firstByteThen(0xffff_0000_0000_0000L, 0L, 1, 2),
                        Trigger.firstByteThen(0xf9_00L, 0x61_00L, '"'),
                        Trigger.prefix((byte) 0x57, (byte) 0xfb), Trigger.prefix((byte) 0x37, (byte) 0x7f),
                        Trigger.prefix((byte) 0xd9), Trigger.aligned(512)));
    }

    @Test
    void longWindowsByTheStridedPairTestAsTheCarverUsesThem() {
        // Today's long signatures (table, SQLite, journal, WAL magic + version with its free bit, JSON member names),
        // with a short window beside them and a probe mixing a long and a short window (it goes to the other test).
        byte[] table = {0x57, (byte) 0xfb, (byte) 0x80, (byte) 0x8b, 0x24, 0x75, 0x47, (byte) 0xdb};
        byte[] sqlite = "SQLite f".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] journal = {(byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7};
        byte[] wal = {0x37, 0x7f, 0x06, (byte) 0x82, 0x00, 0x2d, (byte) 0xe2, 0x18};
        byte[] wal2 = {0x37, 0x7f, 0x06, (byte) 0x83, 0x00, 0x2d, (byte) 0xe2, 0x18};
        byte[] current = "\"current".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] entry = "\"entry_h".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] five = {0x11, 0x22, 0x33, 0x44, 0x55};
        byte[] log = {1, 9, 9, 9, 9, 9, 0, 0};
        List<Trigger> triggers = List.of(Trigger.prefix(table), Trigger.prefix(sqlite), Trigger.prefix(journal),
                Trigger.prefixes(wal, wal2), Trigger.prefixes(current, entry), Trigger.prefix(five),
                // bytes 3 and 4 with free bits: 0x82/0x83, 0x00..0x03 (4 values: still long)
                Trigger.firstByteThen(0xfcfe_ffff_00L, 0x0082_067f_00L, 0x37),
                Trigger.firstByteThen(0xffff_0000_0000_0000L, 0L, 1, 2),
                Trigger.prefixes(new byte[]{0x66, 0x77, 0x11, 0x22, 0x33}, new byte[]{0x66, 0x78}),
                Trigger.aligned(512));
        for (int t = 0; t < 7; t++) {
            assertEquals(true, SignatureScan.isLong(triggers.get(t).windows().get(0)), "long: " + triggers.get(t));
        }
        byte[] img = image(7, table, sqlite, journal, wal, wal2, current, entry, five, log,
                new byte[]{0x37, 0x7f, 0x06, (byte) 0x83, 0x03}, new byte[]{0x66, 0x77, 0x11, 0x22, 0x33},
                new byte[]{0x66, 0x78}, new byte[]{2, 0, 0, 0, 0, 0, 0, 0});
        check(img, triggers);
        // Without the mixed probe, the log windows are the only short ones: their shared zero bytes 6 and 7 join
        // the first-byte test (the carver's set).
        check(img, triggers.stream().filter(t -> t.windows().size() != 2 || t.windows().get(1).length() != 2)
                .toList());
        // The same over zeros and over one repeated pair byte (every lookup hits there).
        byte[] zeros = new byte[9000];
        System.arraycopy(table, 0, zeros, 4097, table.length);
        System.arraycopy(wal2, 0, zeros, 8999 - 4, 4);
        check(zeros, triggers);
        check(zeros, triggers.subList(7, 8));
        byte[] same = new byte[9000];
        java.util.Arrays.fill(same, (byte) 0x7f);
        System.arraycopy(wal, 0, same, 4095, wal.length);
        check(same, triggers);
    }

    @Test
    void mergedPairsMatchExactlyTheirValues() {
        Random rnd = new Random(5);
        for (int round = 0; round < 500; round++) {
            Set<Integer> values = new TreeSet<>();
            int n = 1 + rnd.nextInt(12);
            while (values.size() < n) {
                values.add(rnd.nextInt(256));
            }
            int[][] pairs = SignatureScan.merge(new ArrayList<>(values));
            for (int b = 0; b < 256; b++) {
                boolean any = false;
                for (int[] p : pairs) {
                    any |= (b | p[0]) == p[1];
                }
                assertEquals(values.contains(b), any, "byte " + b + " for " + values);
            }
        }
        // 0x57 and 0x53 differ in one bit: one pair.
        assertEquals(1, SignatureScan.merge(List.of(0x57, 0x53)).length);
    }
}
