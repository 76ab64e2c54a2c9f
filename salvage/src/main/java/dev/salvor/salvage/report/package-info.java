/** The status tree every command returns: inputs with fingerprints, per-file results, damage, totals. */
package dev.salvor.salvage.report;
