package dev.salvor.formats.jsonlog;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.Mutations;
import dev.salvor.fixtures.Mutations.Mutant;
import dev.salvor.fixtures.Mutations.Op;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile-input properties for hash-chained JSON logs on the real fixtures ({@code fixtures/jsonlog}): seeded
 * mutations and splices of segments and CSV ledgers, and hostile events planted between real ones (200,000 nested
 * brackets, a 5 MB string, {@code 1E400}, lone surrogates, NUL padding). Invariants: nothing escapes the reader or
 * the verifier; every event lies inside the input; a changed byte is either reported as damage or breaks the chain;
 * a bounded-parser rejection costs only the hostile event (the real events around it still verify).
 */
class JsonlogHostileSweepTest {
    private static final SegmentReader READER = new SegmentReader(SegmentReader.Options.defaults(ChainFields.EVENT_LOG));
    private static final ChainVerifier VERIFIER = new ChainVerifier(
            ChainVerifier.Options.defaults(ChainFields.EVENT_LOG));

    private static byte[] fixture(String rel) {
        try {
            return Files.readAllBytes(Fixtures.path(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Result of reading and verifying one segment. */
    record Checked(List<SegmentEvent> events, List<Damage> damage, ChainReport report) {
    }

    private static Checked check(byte[] data, String what) {
        try {
            List<Damage> damage = new ArrayList<>();
            List<SegmentEvent> events = READER.readAll(ByteSource.of("segment-000001.json", data),
                    DamageSink.collectingInto(damage));
            long last = 0;
            for (SegmentEvent e : events) {
                assertTrue(e.offset() >= last && e.offset() + e.length() <= data.length, () -> what + ": " + e);
                last = e.offset() + e.length();
            }
            for (Damage d : damage) {
                assertTrue(d.offset() >= -1 && d.end() <= data.length, () -> what + ": " + d);
            }
            ChainReport report = VERIFIER.verify(List.of(EventSource.segment(ByteSource.of("segment-000001.json",
                    data), READER)), null, DamageSink.IGNORE);
            return new Checked(events, damage, report);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("escaped on " + what + ": " + t, t);
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void mutatedSegmentsAreReportedOrBreakTheChain(Op op) {
        byte[] a = fixture("jsonlog/clean/segment-000001.json");
        byte[] other = fixture("jsonlog/clean/segment-000002.json");
        Checked clean = check(a, "clean");
        assertTrue(clean.damage().isEmpty() && clean.report().intact(), "clean fixture");
        Random rnd = new Random(op.name().hashCode());
        for (int i = 0; i < 25; i++) {
            Mutant m = Mutations.apply(op, a, other, rnd);
            Checked c = check(m.bytes(), m.description());
            if (op == Op.FLIP || op == Op.OVERWRITE || op == Op.INSERT || op == Op.DELETE) {
                assertTrue(!c.damage().isEmpty() || !c.report().intact() || c.events().size() != clean.events().size(),
                        m.description() + " went unnoticed");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void mutatedCsvLedgersOnlyYieldDamage(Op op) {
        byte[] a = fixture("jsonlog/ledger/ledger.csv");
        byte[] other = fixture("jsonlog/ledger-tampered/ledger.csv");
        ChainVerifier ledger = new ChainVerifier(ChainVerifier.Options.defaults(ChainFields.LEDGER));
        Random rnd = new Random(op.name().hashCode());
        for (int i = 0; i < 25; i++) {
            Mutant m = Mutations.apply(op, a, other, rnd);
            try {
                CsvLedgerSource src = new CsvLedgerSource(ByteSource.of("ledger.csv", m.bytes()),
                        CsvLedgerSource.Options.ledger(), READER.canonicalizer());
                List<Damage> damage = new ArrayList<>();
                ChainReport r = ledger.verify(List.of(src), null, DamageSink.collectingInto(damage));
                if (op == Op.FLIP || op == Op.OVERWRITE) {
                    assertTrue(!damage.isEmpty() || !r.intact(), m.description() + " went unnoticed");
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("escaped on " + m.description() + ": " + t, t);
            }
        }
    }

    /** The first {@code n} event lines of the clean segment 1 (array layout: "[\n" + lines joined by ",\n"). */
    private static List<String> events(int n) {
        String s = new String(fixture("jsonlog/clean/segment-000001.json"), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String line : s.split("\n")) {
            if (line.startsWith("{")) {
                out.add(line.endsWith(",") ? line.substring(0, line.length() - 1) : line);
                if (out.size() == n) {
                    break;
                }
            }
        }
        return out;
    }

    @Test
    void hostileEventsBetweenRealOnesCostOnlyThemselves() {
        List<String> real = events(3);
        List<String> hostile = List.of(
                "{\"id\":2,\"x\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}",
                "{\"id\":2,\"x\":" + "[".repeat(200_000) + "}",
                "{\"id\":2,\"x\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}",
                "{\"id\":2,\"x\":\"" + "A".repeat(5_000_000) + "\"}",
                "{\"id\":2,\"x\":1E400}",
                "{\"id\":2,\"x\":-1E400}",
                "{\"id\":2,\"x\":\"\\ud800\"}",
                "{\"id\":2,\"x\":1,\"x\":2}",
                "{\"id\":2,\"x\":" + "9".repeat(100_000) + "}",
                "\u0000".repeat(10_000),
                "\ufeff{\"id\":2}");
        for (String h : hostile) {
            String what = h.length() > 60 ? h.substring(0, 60) + "... (" + h.length() + " chars)" : h;
            for (boolean lines : new boolean[] {false, true}) {
                String text = lines ? real.get(0) + "\n" + h + "\n" + real.get(1) + "\n" + real.get(2) + "\n"
                        : "[\n" + real.get(0) + ",\n" + h + ",\n" + real.get(1) + ",\n" + real.get(2) + "\n]\n";
                Checked c = check(text.getBytes(StandardCharsets.UTF_8), what);
                assertFalse(c.damage().isEmpty(), what + ": not reported");
                long ok = c.events().stream().filter(e -> e.status() == SegmentEvent.Status.OK).count();
                assertEquals(3, ok, what + (lines ? " (lines)" : " (array)") + ": the real events must survive "
                        + c.damage());
            }
        }
    }

    @Test
    void oversizedEventIsRefusedAsLimitExceeded() {
        List<String> real = events(2);
        String big = "{\"id\":2,\"x\":\"" + "B".repeat(5 << 20) + "\"}";
        Checked c = check(("[\n" + real.get(0) + ",\n" + big + ",\n" + real.get(1) + "\n]\n")
                .getBytes(StandardCharsets.UTF_8), "5 MiB event");
        assertTrue(c.damage().stream().anyMatch(d -> Set.of(DamageKind.LIMIT_EXCEEDED).contains(d.kind())),
                c.damage()::toString);
    }
}
