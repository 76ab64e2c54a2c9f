/**
 * The carving contract between the formats and the carver: how a format finds its artifacts in a raw image where no
 * file system points to them.
 *
 * <p>Each format contributes a {@link dev.salvor.formats.carve.Probe} in its own package (for instance
 * {@code LevelDbTableProbe} in {@code dev.salvor.formats.leveldb}, {@code SqliteHeaderProbe} in
 * {@code dev.salvor.formats.sqlite}): a cheap signature, declared as a {@link dev.salvor.formats.carve.Trigger}, and
 * the format's own checks that confirm a candidate as an {@link dev.salvor.formats.carve.Artifact} (never a
 * signature alone). {@link dev.salvor.formats.carve.SignatureScan} runs the signatures of all probes in one read of
 * each {@link dev.salvor.formats.carve.ImageChunk}. Threads, chunking of the image and writing the artifacts out
 * belong to the carver that uses these probes, not to this package.
 */
package dev.salvor.formats.carve;
