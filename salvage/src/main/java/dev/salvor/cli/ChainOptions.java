package dev.salvor.cli;

import dev.salvor.salvage.jsonlog.JsonLogOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options for hash-chained logs ({@code jsonlog}); other formats ignore them. */
final class ChainOptions {

    @Option(names = "--id-field", paramLabel = "NAME", description = "Hash chains: the event id member (default: id;"
            + " sequence_number when the content is the seed-004 ledger and no field option is given).")
    String idField;

    @Option(names = "--hash-field", paramLabel = "NAME", description = "Hash chains: the event's own hash member"
            + " (default: current_hash, or entry_hash for the ledger).")
    String hashField;

    @Option(names = "--prev-field", paramLabel = "NAME", description = "Hash chains: the previous event's hash member"
            + " (default: previous_hash).")
    String prevField;

    @Option(names = "--anchor", paramLabel = "ID=HASH", description = "Hash chains: a trusted hash of event ID"
            + " (repeatable); the only way to catch an edit whose later hashes were all recomputed.")
    List<String> anchors;

    @Option(names = "--csv-type", paramLabel = "COL=TYPE", description = "Hash chains from CSV: a column's JSON type"
            + " (string, integer, number, boolean, json; repeatable). Default: the id column integer, plus"
            + " metadata=json for the ledger.")
    List<String> csvTypes;

    @Option(names = "--prometheus", paramLabel = "FILE", description = "Hash chains: write salvor_chain_integrity_status,"
            + " salvor_chain_events and salvor_chain_breaks to FILE (textfile-collector format, atomically).")
    Path prometheus;

    /** @throws IllegalArgumentException for a malformed value */
    JsonLogOptions toOptions(boolean truncationPlan) {
        return JsonLogOptions.parse(idField, hashField, prevField, anchors, csvTypes, truncationPlan);
    }
}
