package dev.salvor.formats.jsonlog;

import dev.salvor.formats.core.Limits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small hand-built chains for reader and verifier unit tests (the fixtures are generated independently, by node). */
final class TestChains {
    private static final JsonCanonicalizer JCS = new JsonCanonicalizer(Limits.DEFAULT);

    private TestChains() {
    }

    /** One event's JSON text with the hash member last; {@code body} is the members before the chain fields. */
    static String event(String idJson, String body, String prev) {
        String withoutHash = "{\"id\":" + idJson + (body.isEmpty() ? "" : "," + body) + ",\"previous_hash\":"
                + (prev == null ? "null" : "\"" + prev + "\"") + "}";
        String hash = hashOf(withoutHash);
        return withoutHash.substring(0, withoutHash.length() - 1) + ",\"current_hash\":\"" + hash + "\"}";
    }

    static String hashOf(String eventWithoutHash) {
        return EventHash.sha256Hex(JCS.canonicalize(eventWithoutHash).bytes());
    }

    static String hashField(String eventJson) {
        int i = eventJson.indexOf("\"current_hash\":\"") + 16;
        return eventJson.substring(i, i + 64);
    }

    /** {@code n} linked events with ids 1..n and small varied payloads. */
    static List<String> chain(int n) {
        List<String> out = new ArrayList<>();
        String prev = null;
        for (int i = 1; i <= n; i++) {
            String e = event(Integer.toString(i), "\"type\":\"t" + (i % 3) + "\",\"payload\":{\"n\":" + i
                    + ",\"text\":\"ação " + i + "\\n\",\"list\":[1,2.5,{\"k\":null}]}", prev);
            out.add(e);
            prev = hashField(e);
        }
        return out;
    }

    /** JSON.stringify(events, null, 2)-like layout. */
    static String prettyArray(List<String> events) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < events.size(); i++) {
            sb.append("  ").append(events.get(i)).append(i + 1 < events.size() ? ",\n" : "\n");
        }
        return sb.append("]").toString();
    }

    static String lines(List<String> events) {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
