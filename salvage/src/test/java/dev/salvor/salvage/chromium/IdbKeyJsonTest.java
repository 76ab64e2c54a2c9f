package dev.salvor.salvage.chromium;

import dev.salvor.formats.chromium.IdbKey;
import dev.salvor.salvage.report.JsonLineWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Date keys read as JavaScript's {@code new Date(ms).toISOString()} reads them, also outside years 0..9999. */
class IdbKeyJsonTest {
    @ParameterizedTest(name = "{0} ms")
    @CsvSource(delimiter = '|', value = {
            "0|{\"date\":\"1970-01-01T00:00:00.000Z\"}",
            "-1|{\"date\":\"1969-12-31T23:59:59.999Z\"}",
            "1709208000000|{\"date\":\"2024-02-29T12:00:00.000Z\"}",
            "253402300800000|{\"date\":\"+010000-01-01T00:00:00.000Z\"}",
            "-62198755200000|{\"date\":\"-000001-01-01T00:00:00.000Z\"}",
            "8640000000000000|{\"date\":\"+275760-09-13T00:00:00.000Z\"}",
            "1.5|{\"date\":1.5}",
    })
    void dateKeys(double ms, String expected) {
        JsonLineWriter j = new JsonLineWriter(64);
        IdbKeyJson.write(j, new IdbKey.Date(ms));
        assertEquals(expected, new String(j.toByteArray(), StandardCharsets.UTF_8));
    }
}
