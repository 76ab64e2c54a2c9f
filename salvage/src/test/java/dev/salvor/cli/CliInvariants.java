package dev.salvor.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Runs the CLI in-process on hostile input and asserts what must hold whatever the input: the exit code is 0, 1
 * or 3 (never 2 for a valid command line, never 4); a refusal (3) is one line on stderr and nothing on stdout; a
 * run (0/1) ends its stderr summary with the verdict matching the exit code, shows no stack trace and no internal
 * error, and no control character (text from the evidence must not drive the terminal); stdout is valid UTF-8 JSON
 * Lines, one schema-v1 record object per line.
 */
final class CliInvariants {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> UNITS = Set.of("table", "log");
    private static final Set<String> OPS = Set.of("put", "delete");
    private static final Set<String> STATES = Set.of("live", "superseded", "deleted", "unverified");

    /** One in-process run with raw stdout bytes. */
    record Run(int exit, byte[] out, String err, String command) {
        String describe() {
            return "salvor " + command + " -> exit " + exit + "\n--- stderr:\n" + err;
        }
    }

    private CliInvariants() {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8), String.join(" ", args));
    }

    /** Asserts the invariants of a {@code salvage} run whose records went to stdout; returns the record count. */
    static int checkSalvage(Run r) {
        int records = checkExitAndStderr(r);
        String out = utf8(r);
        if (r.exit() == ExitCodes.UNREADABLE) {
            require(out.isEmpty(), r, "a refused input must produce no records");
            return 0;
        }
        require(out.isEmpty() || out.endsWith("\n"), r, "JSON Lines output must end with a newline");
        for (String line : out.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("stdout line is not JSON (" + e.getMessage() + "): " + line + "\n"
                        + r.describe());
            }
            require(n.isObject(), r, "stdout line is not a JSON object: " + line);
            require("leveldb".equals(n.path("format").asText()), r, "format: " + line);
            require(UNITS.contains(n.path("unit").asText()), r, "unit: " + line);
            require(OPS.contains(n.path("op").asText()), r, "op: " + line);
            require(STATES.contains(n.path("state").asText()), r, "state: " + line);
            require(n.path("offset").canConvertToLong() && n.path("offset").asLong() >= 0, r, "offset: " + line);
            require(n.path("seq").isIntegralNumber(), r, "seq: " + line);
            require(n.path("crc_ok").isBoolean(), r, "crc_ok: " + line);
            require(!n.path("crc_ok").asBoolean() ? !"live".equals(n.path("state").asText()) : true, r,
                    "a record from a unit whose checksum failed is never live: " + line);
            records++;
        }
        return records;
    }

    /** Exit code and stderr rules shared by every command. */
    private static int checkExitAndStderr(Run r) {
        int exit = r.exit();
        require(exit == ExitCodes.CLEAN || exit == ExitCodes.DAMAGE || exit == ExitCodes.UNREADABLE, r,
                "exit code must be 0, 1 or 3 on any input");
        // Line-anchored: text from the evidence (a CURRENT file that reads "internal error", say) is quoted inside
        // salvor's own lines, its tabs and other control characters escaped, so it never starts a line.
        require(r.err().lines().noneMatch(l -> l.startsWith("salvor: internal error")
                || l.startsWith("Exception in thread")) && !r.err().contains("\tat "), r,
                "no internal error, no stack trace");
        for (char c : r.err().toCharArray()) {
            // Text from the evidence never drives the terminal: no escape sequences, no carriage returns.
            require(!(c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f), r,
                    String.format("control character U+%04X on stderr", (int) c));
        }
        String err = r.err().strip();
        if (exit == ExitCodes.UNREADABLE) {
            String[] lines = err.split("\n");
            String last = lines[lines.length - 1].strip();
            require(err.lines().count() == 1 && err.startsWith("salvor: ")
                            || last.startsWith("verdict: ") && last.endsWith("(exit 3)") && lines.length >= 3, r,
                    "a refused input gets one 'salvor: ' line, or a summary with the reason ending in its verdict");
        } else {
            String[] lines = err.split("\n");
            String last = lines[lines.length - 1].strip();
            require(last.equals(exit == ExitCodes.CLEAN ? "verdict: CLEAN" : "verdict: DAMAGED (exit 1)")
                    || (exit == ExitCodes.DAMAGE && last.startsWith("verdict: ") && last.endsWith("(exit 1)")), r,
                    "the summary must end with the verdict matching the exit code");
        }
        return 0;
    }

    private static String utf8(Run r) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(r.out())).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("stdout is not valid UTF-8\n" + r.describe(), e);
        }
    }

    private static void require(boolean ok, Run r, String what) {
        if (!ok) {
            throw new AssertionError(what + "\n" + r.describe());
        }
    }
}
