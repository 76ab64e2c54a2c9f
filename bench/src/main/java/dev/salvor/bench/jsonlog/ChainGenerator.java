package dev.salvor.bench.jsonlog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a large, intact EventLog chain for benchmarks: {@code segment-NNNNNN.json} files (JSON arrays, one compact
 * event per line, seed 001's layout) and {@code event-log-snapshot.json}. Independent of salvor's code: events are
 * built as small trees and written twice, in insertion order (stored) and with members sorted by UTF-16 code units
 * (the RFC 8785 form: only integers and numbers whose shortest ECMAScript form is the literal written, strings
 * escaped the JCS way), and the SHA-256 of the sorted form is the event's {@code current_hash}.
 *
 * <p>Usage: {@code ChainGenerator DIR EVENTS [EVENTS_PER_SEGMENT] [SEED]} (defaults 1000 per segment, seed 42).
 * Events average ~330 bytes: non-ASCII text, escapes and control characters, nested objects, arrays, decimals.
 */
public final class ChainGenerator {
    private static final String[] TYPES = {"DECISAO", "CONTRATO", "EPISODIO", "MEMORIA", "ação"};
    private static final String[] WORDS = {"orçamento", "decisão", "señal", "Größe", "東京", "naïve café", "emoji 😂",
        "tab\there", "line\nbreak", "ctl\u0001\u001f", "quote \"q\"", "back\\slash", "</script>", "\u2028sep"};
    private static final String[] ROLES = {"analyst", "auditor", "operator", "system"};

    private ChainGenerator() {
    }

    /** A preformatted number literal that is already its own RFC 8785 form. */
    private record Num(String literal) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ChainGenerator DIR EVENTS [EVENTS_PER_SEGMENT] [SEED]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long events = Long.parseLong(args[1]);
        int perSegment = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        Files.createDirectories(dir);
        long[] bytes = {0};
        String[] head = {null};
        int[] segments = {0};
        generate(events, perSegment, seed, (number, text) -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(
                    String.format("segment-%06d.json", number))), 1 << 16)) {
                out.write(text);
            }
            bytes[0] += text.length;
            segments[0] = number;
        }, h -> head[0] = h);
        if (head[0] != null) {
            String snap = "{\n  \"version\": 1,\n  \"total_events\": " + events + ",\n  \"last_event_id\": " + events
                    + ",\n  \"last_current_hash\": \"" + head[0] + "\",\n  \"state\": {}\n}";
            Files.writeString(dir.resolve("event-log-snapshot.json"), snap);
        }
        System.out.println(events + " events, " + segments[0] + " segments, " + bytes[0] + " bytes, head " + head[0]);
    }

    /** Receives one segment file's bytes. */
    public interface SegmentSink {
        void segment(int number, byte[] text) throws IOException;
    }

    /** The same chain in memory: each segment's bytes, in order. */
    public static List<byte[]> inMemory(long events, int perSegment, long seed) {
        List<byte[]> out = new ArrayList<>();
        try {
            generate(events, perSegment, seed, (n, t) -> out.add(t), h -> { });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Generates the chain segment by segment; {@code head} receives the last event's hash. */
    public static void generate(long events, int perSegment, long seed, SegmentSink sink,
                                java.util.function.Consumer<String> head) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        String prev = null;
        java.io.ByteArrayOutputStream seg = new java.io.ByteArrayOutputStream(1 << 20);
        int segment = 0;
        for (long id = 1; id <= events; id++) {
            if ((id - 1) % perSegment == 0) {
                if (segment > 0) {
                    seg.write("\n]\n".getBytes(StandardCharsets.US_ASCII));
                    sink.segment(segment, seg.toByteArray());
                    seg.reset();
                }
                segment++;
                seg.write('[');
                seg.write('\n');
            } else {
                seg.write(",\n".getBytes(StandardCharsets.US_ASCII));
            }
            Map<String, Object> e = event(id, prev, rnd);
            StringBuilder canon = new StringBuilder(512);
            write(e, canon, true);
            String hash = HexFormat.of().formatHex(sha.digest(canon.toString().getBytes(StandardCharsets.UTF_8)));
            e.put("current_hash", hash);
            StringBuilder stored = new StringBuilder(512);
            write(e, stored, false);
            seg.write(stored.toString().getBytes(StandardCharsets.UTF_8));
            prev = hash;
        }
        if (segment > 0) {
            seg.write("\n]\n".getBytes(StandardCharsets.US_ASCII));
            sink.segment(segment, seg.toByteArray());
        }
        head.accept(prev);
    }

    private static Map<String, Object> event(long id, String prev, SplittableRandom rnd) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("ts", 1766448000L + id);
        e.put("type", TYPES[rnd.nextInt(TYPES.length)]);
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("role", ROLES[rnd.nextInt(ROLES.length)]);
        actor.put("name", "user-" + rnd.nextInt(1000));
        e.put("actor", actor);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("seq", id);
        p.put("note", WORDS[rnd.nextInt(WORDS.length)] + " " + id);
        double r = rnd.nextDouble();
        if (r < 0.6) {
            long cents = rnd.nextLong(1, 10_000_000);
            if (cents % 10 == 0) {
                cents++; // two significant decimals: the literal is its own shortest form
            }
            p.put("amount", new Num(cents / 100 + "." + String.format("%02d", cents % 100)));
        } else if (r < 0.7) {
            p.put("ratio", new Num("0." + (1 + rnd.nextInt(999)) + "7"));
        }
        if (rnd.nextDouble() < 0.4) {
            Map<String, Object> deeper = new LinkedHashMap<>();
            deeper.put("k", WORDS[rnd.nextInt(WORDS.length)]);
            deeper.put("ok", rnd.nextBoolean());
            List<Object> arr = new ArrayList<>();
            arr.add(id % 7);
            arr.add(deeper);
            arr.add(null);
            Map<String, Object> level = new LinkedHashMap<>();
            level.put("deeper", arr);
            Map<String, Object> nested = new LinkedHashMap<>();
            nested.put("level", level);
            p.put("nested", nested);
        }
        if (rnd.nextDouble() < 0.3) {
            p.put("tags", List.of(WORDS[rnd.nextInt(WORDS.length)], WORDS[rnd.nextInt(WORDS.length)]));
        }
        e.put("payload", p);
        e.put("previous_hash", prev);
        return e;
    }

    @SuppressWarnings("unchecked")
    private static void write(Object v, StringBuilder sb, boolean sorted) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else if (v instanceof Num n) {
            sb.append(n.literal());
        } else if (v instanceof String s) {
            string(s, sb);
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(l.get(i), sb, sorted);
            }
            sb.append(']');
        } else {
            Map<String, Object> m = (Map<String, Object>) v;
            List<String> keys = new ArrayList<>(m.keySet());
            if (sorted) {
                keys.sort(String::compareTo); // UTF-16 code unit order, as RFC 8785 requires
            }
            sb.append('{');
            boolean first = true;
            for (String k : keys) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(k, sb);
                sb.append(':');
                write(m.get(k), sb, sorted);
            }
            sb.append('}');
        }
    }

    /** A JSON string the RFC 8785 way: only quote, backslash and controls escaped, controls as short escapes or u00xx. */
    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
