/**
 * Hash-chained JSON event logs and ledgers: detection from a file's head ({@link
 * dev.salvor.formats.jsonlog.ChainHead#matches}), the EventLog directory over a source set ({@link
 * dev.salvor.formats.jsonlog.EventLogDirectory}), RFC 8785 canonicalisation ({@link
 * dev.salvor.formats.jsonlog.JsonCanonicalizer}), tolerant segment reading ({@link
 * dev.salvor.formats.jsonlog.SegmentReader}, {@link dev.salvor.formats.jsonlog.CsvLedgerSource}), ledger rows as
 * events ({@link dev.salvor.formats.jsonlog.LedgerRow}), chain verification ({@link
 * dev.salvor.formats.jsonlog.ChainVerifier}) and the ledger truncation plan ({@link
 * dev.salvor.formats.jsonlog.TruncationPlan}). Reads {@link dev.salvor.formats.core.ByteSource}s only: no JDBC, no
 * JSON binding.
 */
package dev.salvor.formats.jsonlog;
