package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainVerifier;
import dev.salvor.formats.jsonlog.CsvLedgerSource;
import dev.salvor.formats.jsonlog.EventHash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the {@code jsonlog} handler, passed through {@link dev.salvor.salvage.RunContext#options()}.
 *
 * @param idField       the id member ({@code --id-field}), or null for the default
 * @param hashField     the hash member ({@code --hash-field}), or null for the default
 * @param prevField     the previous-hash member ({@code --prev-field}), or null for the default
 * @param anchors       trusted {@code ID=HASH} pairs ({@code --anchor})
 * @param csvTypes      column types of CSV exports and tables ({@code --column-type COL=TYPE}, alias
 *                       {@code --csv-type}), each over the default of its column
 * @param truncationPlan put the ledger truncation plan in the report even when the chain is intact
 *                       ({@code check --truncation-plan}); a broken single-file ledger always gets one
 */
public record JsonLogOptions(String idField, String hashField, String prevField, List<ChainVerifier.Anchor> anchors,
                             Map<String, CsvLedgerSource.ColumnType> csvTypes, boolean truncationPlan) {

    /** No flags: field names from the content (EventLog defaults, or the seed-004 ledger's), no anchors. */
    public static final JsonLogOptions DEFAULTS = new JsonLogOptions(null, null, null, List.of(), Map.of(), false);

    public JsonLogOptions {
        anchors = List.copyOf(anchors);
        csvTypes = Map.copyOf(csvTypes);
        if (idField != null || hashField != null || prevField != null) {
            explicit(idField, hashField, prevField); // validates: names must differ
        }
    }

    /**
     * Builds the options from command-line text.
     *
     * @throws IllegalArgumentException with a one-line message for a malformed value (a usage error)
     */
    public static JsonLogOptions parse(String idField, String hashField, String prevField, List<String> anchors,
                                       List<String> csvTypes, boolean truncationPlan) {
        for (String[] f : new String[][] {{"--id-field", idField}, {"--hash-field", hashField},
                {"--prev-field", prevField}}) {
            if (f[1] != null && f[1].isEmpty()) {
                throw new IllegalArgumentException(f[0] + " must not be empty");
            }
        }
        List<ChainVerifier.Anchor> as = new ArrayList<>();
        for (String a : anchors == null ? List.<String>of() : anchors) {
            int eq = a.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--anchor expects ID=HASH, got '" + a + "'");
            }
            String id = a.substring(0, eq);
            String hash = a.substring(eq + 1).toLowerCase(Locale.ROOT);
            if (!EventHash.isHash(hash)) {
                throw new IllegalArgumentException("--anchor " + a + ": the hash must be 64 hex digits (SHA-256)");
            }
            as.add(new ChainVerifier.Anchor(id, hash, "--anchor " + id + "=" + hash));
        }
        Map<String, CsvLedgerSource.ColumnType> types = new LinkedHashMap<>();
        for (String t : csvTypes == null ? List.<String>of() : csvTypes) {
            int eq = t.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--column-type expects COLUMN=TYPE, got '" + t + "'");
            }
            String type = t.substring(eq + 1).toUpperCase(Locale.ROOT);
            try {
                types.put(t.substring(0, eq), CsvLedgerSource.ColumnType.valueOf(type));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--column-type " + t + ": TYPE is one of string, integer, number,"
                        + " boolean, json");
            }
        }
        try {
            return new JsonLogOptions(idField, hashField, prevField, as, types, truncationPlan);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--id-field, --hash-field and --prev-field must name different"
                    + " members: " + e.getMessage());
        }
    }

    /** True when any of the three field names was given. */
    public boolean fieldsGiven() {
        return idField != null || hashField != null || prevField != null;
    }

    /** The given names, each missing one taken from {@link ChainFields#EVENT_LOG}. */
    public ChainFields explicitFields() {
        return explicit(idField, hashField, prevField);
    }

    private static ChainFields explicit(String id, String hash, String prev) {
        ChainFields d = ChainFields.EVENT_LOG;
        return new ChainFields(id != null ? id : d.id(), hash != null ? hash : d.hash(),
                prev != null ? prev : d.prev());
    }

    /**
     * CSV column types for {@code fields}: the id column as an integer plus, for the seed-004 ledger's names, its
     * {@code metadata} jsonb column as JSON; the given ones ({@code --column-type}) override these per column.
     */
    public Map<String, CsvLedgerSource.ColumnType> csvTypesFor(ChainFields fields) {
        Map<String, CsvLedgerSource.ColumnType> m = new LinkedHashMap<>();
        if (fields.equals(ChainFields.LEDGER)) {
            m.putAll(CsvLedgerSource.Options.ledger().types());
        }
        m.put(fields.id(), CsvLedgerSource.ColumnType.INTEGER);
        m.putAll(csvTypes);
        return m;
    }
}
