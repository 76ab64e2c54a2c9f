package dev.salvor.salvage.backup;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parallel gzip writer gives one member that the JDK's inflater and {@link GzipMember} both read back exactly. */
class ParallelGzipTest {
    private static final int B = ParallelGzipOutputStream.BLOCK;

    private static byte[] data(int n, boolean text, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[n];
        String words = "segment event hash previous current payload leveldb sqlite page frame ";
        for (int i = 0; i < n; i++) {
            b[i] = text ? (byte) words.charAt(r.nextInt(words.length())) : (byte) r.nextInt();
        }
        return b;
    }

    @ParameterizedTest(name = "{0} bytes, text={1}, {2} thread(s), level {3}, writes of {4}")
    @CsvSource({"0,true,1,6,1", "1,true,2,6,1", "32767,true,3,6,1000", "131071,true,2,6,65536",
            "131072,true,2,6,131072", "131073,false,2,1,7", "409617,true,3,9,100000", "600000,false,4,6,99999",
            "1048576,true,1,6,4096"})
    void roundTrips(int n, boolean text, int threads, int level, int chunk) throws IOException {
        byte[] in = data(n, text, n);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, level, threads,
                Instant.parse("2025-12-23T10:00:00Z"))) {
            for (int off = 0; off < n; off += chunk) {
                gz.write(in, off, Math.min(chunk, n - off));
            }
        }
        byte[] g = out.toByteArray();
        try (GZIPInputStream jdk = new GZIPInputStream(new ByteArrayInputStream(g))) {
            assertArrayEquals(in, jdk.readAllBytes(), "JDK inflater");
        }
        try (GzipMember strict = new GzipMember(new ByteArrayInputStream(g), "test")) {
            assertArrayEquals(in, strict.readAllBytes(), "strict single-member reader");
            assertTrue(strict.finished());
        }
        if (text && n >= B) {
            // Blocks primed with the previous 32 KiB compress about as well as one stream.
            ByteArrayOutputStream single = new ByteArrayOutputStream();
            try (GZIPOutputStream s = new GZIPOutputStream(single)) {
                s.write(in);
            }
            assertTrue(g.length < single.size() * 1.02 + 64, g.length + " vs " + single.size());
        }
    }
}
