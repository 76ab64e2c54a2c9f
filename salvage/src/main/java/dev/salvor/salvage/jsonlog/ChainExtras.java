package dev.salvor.salvage.jsonlog;

import dev.salvor.salvage.report.RunReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code chains} section of a report's extras: one object per hash-chained input (verdict, counts, first break,
 * last good event, forgery, unanchored start, anchors, snapshot, truncation plan), and what the CLI derives from it:
 * the truncation plans to print and the Prometheus textfile.
 */
public final class ChainExtras {
    /** The extras key. */
    public static final String KEY = "chains";

    private ChainExtras() {
    }

    static void add(RunReport report, Map<String, Object> chain) {
        chains(report).add(chain);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> chains(RunReport report) {
        return (List<Map<String, Object>>) report.extras().computeIfAbsent(KEY, k -> new ArrayList<>());
    }

    private static List<Map<String, Object>> existing(RunReport report) {
        return report.extras().containsKey(KEY) ? chains(report) : List.of();
    }

    /** Human text of every truncation plan in the report, each headed by its input. */
    @SuppressWarnings("unchecked")
    public static List<String> truncationPlans(RunReport report) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> c : existing(report)) {
            Object p = c.get("truncation_plan");
            if (p instanceof Map<?, ?> plan) {
                Map<String, Object> tp = (Map<String, Object>) plan;
                out.add("truncation plan for " + c.get("input") + " (printed only: salvor never executes it; last"
                        + " good sequence " + tp.get("last_good_sequence") + ", hash " + tp.get("last_good_hash")
                        + ")\n" + tp.get("sql"));
            }
        }
        return out;
    }

    /**
     * The Prometheus textfile-collector text (exposition format 0.0.4) for the chains of {@code report}:
     * {@code salvor_chain_integrity_status} (1 when the chain verifies, 0 when it is broken),
     * {@code salvor_chain_events} and {@code salvor_chain_breaks}, one sample per input labelled {@code input}.
     * With no hash-chained input only the HELP and TYPE lines are written, which clears stale samples.
     */
    public static String prometheus(RunReport report) {
        List<Map<String, Object>> chains = existing(report);
        StringBuilder sb = new StringBuilder();
        metric(sb, chains, "salvor_chain_integrity_status",
                "1 when every event's hash, link, sequence and anchor verify, 0 when the chain is broken.",
                c -> Boolean.TRUE.equals(c.get("intact")) ? "1" : "0");
        metric(sb, chains, "salvor_chain_events", "Events read from the hash chain (all statuses).",
                c -> String.valueOf(c.get("events")));
        metric(sb, chains, "salvor_chain_breaks",
                "Places where the hash chain breaks (hash, link, sequence, anchor, unreadable bytes).",
                c -> String.valueOf(c.get("breaks")));
        return sb.toString();
    }

    private static void metric(StringBuilder sb, List<Map<String, Object>> chains, String name, String help,
                               java.util.function.Function<Map<String, Object>, String> value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        for (Map<String, Object> c : chains) {
            sb.append(name).append("{input=\"").append(escapeLabel(String.valueOf(c.get("input")))).append("\"} ")
                    .append(value.apply(c)).append('\n');
        }
    }

    /** Label value escaping of the text format: backslash, double quote and line feed. */
    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
