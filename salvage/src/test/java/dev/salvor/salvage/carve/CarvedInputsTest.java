package dev.salvor.salvage.carve;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inputs {@code salvage --carve} hands the engines are regions of the image itself: no file is written, each
 * member reads the image's bytes where its image offsets say, and an SQLite database carries the WAL or journal
 * paired with it as members named after it.
 */
class CarvedInputsTest {

    @Test
    void carvedInputsAreRegionsOfTheImageAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path image = tmp.resolve("ext4.img");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.path("carve/ext4")
                .resolve("ext4.img.gz")))) {
            Files.copy(in, image);
        }
        try (CarvedInputs carved = CarvedInputs.carve(image, 2, Limits.DEFAULT, b -> { });
             ByteSource img = ByteSource.open(image)) {
            List<String> formats = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Pipeline.SetInput in : carved.inputs()) {
                formats.add(in.format());
                for (SourceSet.Member m : in.input().members()) {
                    names.add(m.name());
                    assertTrue(m.path().isEmpty(), m.name() + " is a file on disk");
                    long at = m.imageOffset(0);
                    if (at >= 0) {
                        int n = 0; // the bytes that lie contiguously from there (an event's line feed does not)
                        while (n < Math.min(4096, m.size()) && m.imageOffset(n) == at + n) {
                            n++;
                        }
                        try (ByteSource s = m.open()) {
                            assertArrayEquals(img.read(at, n), s.read(0, n), m.name());
                        }
                    }
                }
            }
            assertEquals(List.of("leveldb", "sqlite", "sqlite", "jsonlog"), formats);
            assertTrue(names.contains("sqlite-00000000004be000/00000000004be000.sqlite-wal"), names.toString());
            assertTrue(names.contains("sqlite-00000000004fe000/00000000004fe000.sqlite-journal"), names.toString());
            assertEquals(0x4be000 + 32, carved.imageOffsets().of("sqlite-00000000004be000/00000000004be000.sqlite-wal",
                    32));
            assertEquals(-1, carved.imageOffsets().of("elsewhere.db", 32));
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(image), s.toList(), "carving wrote nothing beside the image");
        }
    }
}
