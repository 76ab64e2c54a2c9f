package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.jsonlog.Snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The EventLog snapshot ({@code event-log-snapshot.json}) of a rebuilt chain: the original's head members
 * ({@code total_events}, {@code last_event_id}, {@code last_current_hash}) pointed at the new head, each written as
 * the JSON type the original used, and every other byte of the original kept (its other members, such as the
 * application's {@code state}, its layout and indentation). A damaged original cannot be kept: a new snapshot holds
 * the members read before the damage ({@code version}) and the new head, indented as the EventLog writes it.
 */
final class SnapshotRewriter {
    /** The head members rewritten. */
    static final Set<String> HEAD_MEMBERS = Set.of("total_events", "last_event_id", "last_current_hash");

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

    private SnapshotRewriter() {
    }

    /**
     * The new head.
     *
     * @param id          the last event's id member as written (exact digits)
     * @param hash        its hash
     * @param totalEvents the snapshot's event count for that head
     */
    record Head(String id, String hash, long totalEvents) {
    }

    /**
     * The rewritten snapshot.
     *
     * @param bytes       its content
     * @param how         {@code copied} (the original already named this head), {@code rewritten} (head members
     *                    replaced, the rest kept byte for byte) or {@code rebuilt} (the original was damaged)
     * @param keptMembers top-level members other than {@code version} and the head's, kept as the original had
     *                    them (they describe the application's state at the original head; empty when rebuilt)
     */
    record Result(byte[] bytes, String how, List<String> keptMembers) {
    }

    private record Splice(int start, int end, String member, boolean number) {
    }

    /** The snapshot for {@code head}, from the original's bytes and its reading ({@code parsed}). */
    static Result rewrite(byte[] original, Snapshot parsed, Head head) {
        if (!parsed.damaged()) {
            Result r = splice(original, head);
            if (r != null) {
                return r;
            }
        }
        return rebuilt(parsed, head);
    }

    /** The original with its scalar head members replaced, or null when they cannot be replaced in place. */
    private static Result splice(byte[] original, Head head) {
        List<Splice> splices = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        // Byte offsets of tokens come from Jackson's UTF-8 byte parser, which needs the default name handling.
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(Limits.DEFAULT.maxNestingDepth()).maxStringLength(16 << 20).build()).build();
        try (JsonParser p = f.createParser(original)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (HEAD_MEMBERS.contains(name)) {
                    if (v == null || v.isStructStart()) {
                        return null;
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    int end = valueEnd(original, start);
                    if (start < 0 || end < 0) {
                        return null;
                    }
                    splices.add(new Splice(start, end, name, v.isNumeric()));
                } else {
                    if (!name.equals("version") && !kept.contains(name)) {
                        kept.add(name);
                    }
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // read as intact by the verifier, yet not parseable here: write a new one
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + 64);
        int at = 0;
        for (Splice s : splices) {
            out.write(original, at, s.start() - at);
            byte[] v = value(s, head);
            out.write(v, 0, v.length);
            at = s.end();
        }
        out.write(original, at, original.length - at);
        byte[] bytes = out.toByteArray();
        return new Result(bytes, Arrays.equals(bytes, original) ? "copied" : "rewritten", List.copyOf(kept));
    }

    private static byte[] value(Splice s, Head head) {
        return switch (s.member()) {
            case "total_events" -> s.number() ? ascii(Long.toString(head.totalEvents()))
                    : quoted(Long.toString(head.totalEvents()));
            case "last_event_id" -> s.number() && INTEGER.matcher(head.id()).matches() ? ascii(head.id())
                    : quoted(head.id());
            default -> quoted(head.hash());
        };
    }

    /** A new snapshot: {@code version} as read, then the head, two-space indented. */
    private static Result rebuilt(Snapshot parsed, Head head) {
        StringBuilder sb = new StringBuilder("{\n");
        if (parsed.version() != null) {
            sb.append("  \"version\": ").append(INTEGER.matcher(parsed.version()).matches() ? parsed.version()
                    : text(parsed.version())).append(",\n");
        }
        sb.append("  \"total_events\": ").append(head.totalEvents()).append(",\n");
        sb.append("  \"last_event_id\": ").append(INTEGER.matcher(head.id()).matches() ? head.id() : text(head.id()))
                .append(",\n");
        sb.append("  \"last_current_hash\": ").append(text(head.hash())).append("\n}");
        return new Result(sb.toString().getBytes(StandardCharsets.UTF_8), "rebuilt", List.of());
    }

    /** End (exclusive) of the scalar starting at {@code start}: a string to its closing quote, else a literal. */
    static int valueEnd(byte[] b, int start) {
        if (start >= b.length) {
            return -1;
        }
        if (b[start] == '"') {
            for (int i = start + 1; i < b.length; i++) {
                if (b[i] == '\\') {
                    i++;
                } else if (b[i] == '"') {
                    return i + 1;
                }
            }
            return -1;
        }
        int i = start;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && !EventFileLayout.isJsonSpace(b[i])) {
            i++;
        }
        return i;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] quoted(String s) {
        return text(s).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }
}
