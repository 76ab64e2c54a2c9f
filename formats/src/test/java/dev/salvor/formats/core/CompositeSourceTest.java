package dev.salvor.formats.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CompositeSourceTest {
    private final byte[] image = new byte[256];

    {
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) i;
        }
    }

    @Test
    void readsAcrossPiecesAndMapsBackToTheImage() {
        ByteSource base = ByteSource.of("img", image);
        CompositeSource c = CompositeSource.over(base, "set").bytes(new byte[]{9, 9}).zeros(3).region(100, 4)
                .region(10, 2).build();
        assertEquals(11, c.size());
        assertArrayEquals(new byte[]{9, 9, 0, 0, 0, 100, 101, 102, 103, 10, 11}, c.read(0, 11));
        assertArrayEquals(new byte[]{0, 100, 101, 102, 103, 10}, c.read(4, 6));
        assertEquals(-1, c.imageOffset(0));
        assertEquals(-1, c.imageOffset(4));
        assertEquals(102, c.imageOffset(7));
        assertEquals(11, c.imageOffset(10));
        assertEquals(-1, c.imageOffset(11));
        assertEquals(100, c.firstImageOffset());
    }

    @Test
    void refusesReadsPastTheEndAndRegionsOutsideTheBase() {
        ByteSource base = ByteSource.of("img", image);
        CompositeSource c = CompositeSource.over(base, "set").region(0, 8).build();
        CorruptionException e = assertThrows(CorruptionException.class, () -> c.read(4, 8));
        assertEquals(DamageKind.TRUNCATED, e.damage().kind());
        assertThrows(CorruptionException.class, () -> CompositeSource.over(base, "x").region(250, 10));
        assertThrows(IllegalArgumentException.class, () -> CompositeSource.over(base, "x").zeros(-1));
    }

    @Test
    void largeZeroRunsTakeNoMemory() {
        CompositeSource c = CompositeSource.over(ByteSource.of("img", image), "pad").zeros(1L << 40).region(1, 1)
                .build();
        assertEquals((1L << 40) + 1, c.size());
        assertArrayEquals(new byte[]{0, 1}, c.read((1L << 40) - 1, 2));
    }
}
