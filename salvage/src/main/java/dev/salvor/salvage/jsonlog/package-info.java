/**
 * The {@code jsonlog} format in the salvage pipeline: hash-chained JSON event logs (EventLog segment directories)
 * and ledger exports (JSON Lines, JSON arrays, CSV), verified with {@code dev.salvor.formats.jsonlog} and salvaged
 * as JSON Lines rows with each event's chain status.
 */
package dev.salvor.salvage.jsonlog;
