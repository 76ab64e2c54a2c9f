package dev.salvor.formats.v8;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Number-to-string as V8 prints it (what {@code String(x)} gives in Chromium): the expected texts are V8's own, for
 * the cases a hand-made formatter gets wrong (integral values between 2^53 and 1e21 print their shortest digits, not
 * their exact binary value; Java 17's {@code Double.toString} is not always shortest).
 */
class JsNumbersTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0x0000000000000000, 0",
            "0x8000000000000000, 0",
            "0x3FF8000000000000, 1.5",
            "0xBFF8000000000000, -1.5",
            "0x43B0000000000000, 1152921504606847000",
            "0x43E0000000000000, 9223372036854776000",
            "0x4340000000000001, 9007199254740994",
            "0x444B1AE4D6E2EF50, 1e+21",
            "0x4415AF1D78B58C40, 100000000000000000000",
            "0x3FD3333333333334, 0.30000000000000004",
            "0x0000000000000001, 5e-324",
            "0x7FEFFFFFFFFFFFFF, 1.7976931348623157e+308",
            "0x3E8AD7F29ABCAF48, 2e-7",
            "0x3EB0C6F7A0B5ED8D, 0.000001",
            "0x7FF8000000000000, NaN",
            "0xFFF0000000000000, -Infinity",
    })
    void printsWhatV8Prints(String bits, String expected) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits.substring(2), 16));
        assertEquals(expected, JsNumbers.toJsString(d));
    }
}
