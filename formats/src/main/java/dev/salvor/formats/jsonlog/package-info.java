/**
 * Hash-chained JSON event logs and ledgers: RFC 8785 canonicalisation ({@link
 * dev.salvor.formats.jsonlog.JsonCanonicalizer}), tolerant segment reading ({@link
 * dev.salvor.formats.jsonlog.SegmentReader}, {@link dev.salvor.formats.jsonlog.CsvLedgerSource}), chain
 * verification ({@link dev.salvor.formats.jsonlog.ChainVerifier}) and the ledger truncation plan ({@link
 * dev.salvor.formats.jsonlog.TruncationPlan}).
 */
package dev.salvor.formats.jsonlog;
