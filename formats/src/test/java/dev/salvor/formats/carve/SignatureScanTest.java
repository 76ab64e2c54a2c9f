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
                seen.add(chunk.start() + i);
            }
        }

        @Override
        public List<Artifact> confirm(List<Long> candidates) {
            return List.of();
        }
    }

    private static Set<Long> expected(byte[] img, Trigger t) {
        Set<Long> s = new TreeSet<>();
        byte[] prefix = t.prefix();
        int[] firsts = t.firstBytes();
        for (int o = 0; o < img.length; o++) {
            if (t.alignment() > 0) {
                if (o % t.alignment() == 0) {
                    s.add((long) o);
                }
            } else if (t.windowMask() != 0) {
                boolean m = o + 8 <= img.length;
                long win = 0;
                for (int k = 0; m && k < 8; k++) {
                    win |= (img[o + k] & 0xffL) << (8 * k);
                }
                for (int b : firsts) {
                    if (m && (img[o] & 0xff) == b && (win & t.windowMask()) == t.windowValue()) {
                        s.add((long) o);
                    }
                }
            } else if (prefix.length > 0) {
                boolean m = o + prefix.length <= img.length;
                for (int k = 0; m && k < prefix.length; k++) {
                    m = img[o + k] == prefix[k];
                }
                if (m) {
                    s.add((long) o);
                }
            } else {
                for (int b : firsts) {
                    if ((img[o] & 0xff) == b) {
                        s.add((long) o);
                    }
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
