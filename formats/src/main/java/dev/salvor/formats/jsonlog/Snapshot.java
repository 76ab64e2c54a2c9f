package dev.salvor.formats.jsonlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.Malformed;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The EventLog snapshot ({@code event-log-snapshot.json}), an anchor for the chain's head.
 *
 * <pre>
 *   { "version": 1, "total_events": N, "last_event_id": ID, "last_current_hash": "64 hex", "state": {...} }
 * </pre>
 * Read tolerantly: members completely read before any damage are kept (a snapshot torn inside {@code state} still
 * anchors the head), and the damage is reported. The snapshot never repairs segments; the recomputed chain wins.
 *
 * @param resource      file name
 * @param version       the {@code version} member as written, or null
 * @param totalEvents   {@code total_events} as written (exact digits), or null
 * @param lastEventId   {@code last_event_id} as written, or null
 * @param lastHash      {@code last_current_hash}, or null
 * @param damaged       true when the file is not a complete, valid JSON object
 * @param problem       what was wrong (null when intact)
 */
public record Snapshot(String resource, String version, String totalEvents, String lastEventId, String lastHash,
                       boolean damaged, Damage problem) {

    /** True when {@link #lastEventId()} and {@link #lastHash()} can serve as an anchor. */
    public boolean anchors() {
        return lastEventId != null && EventHash.isHash(lastHash);
    }

    /** Reads a snapshot; damage goes to {@code sink} and is kept in {@link #problem()}. */
    public static Snapshot read(ByteSource src, DamageSink sink) {
        int len = Limits.checkAllocation(src.size(), 64 << 20, "snapshot", src.name(), 0);
        byte[] data = src.read(0, len);
        Map<String, String> top = new LinkedHashMap<>();
        Damage problem = null;
        JsonFactory f = JsonCanonicalizer.newFactory(Limits.DEFAULT.maxNestingDepth(), 16 << 20);
        try (JsonParser p = f.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed(DamageKind.BAD_STRUCTURE, 0, "snapshot is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (v != null && v != JsonToken.VALUE_NULL) {
                    top.put(name, p.getText());
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new Malformed(DamageKind.BAD_STRUCTURE, (int) p.currentLocation().getByteOffset(),
                        "content after the snapshot object");
            }
        } catch (IOException e) {
            Malformed m = JsonCanonicalizer.convert(e);
            problem = new Damage(src.name(), m.position(), Math.max(0, len - m.position()), DamageKind.TRUNCATED,
                    null, null, "snapshot damaged: " + m.detail() + "; members read before the damage are used");
        } catch (Malformed m) {
            problem = new Damage(src.name(), m.position(), Math.max(0, len - m.position()), m.kind(), null, null,
                    "snapshot damaged: " + m.detail());
        }
        if (problem != null) {
            sink.report(problem);
        }
        String hash = top.get("last_current_hash");
        if (hash != null && !EventHash.isHash(hash)) {
            Damage d = new Damage(src.name(), -1, 0, DamageKind.BAD_RECORD, "64 lower-case hex digits", hash,
                    "snapshot last_current_hash is malformed; not used as an anchor");
            sink.report(d);
            if (problem == null) {
                problem = d;
            }
        }
        return new Snapshot(src.name(), top.get("version"), top.get("total_events"), top.get("last_event_id"), hash,
                problem != null, problem);
    }
}
