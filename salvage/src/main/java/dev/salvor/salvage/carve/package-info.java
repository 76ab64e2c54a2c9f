/**
 * Carving: finding LevelDB tables, LevelDB logs and SQLite databases inside a raw disk image where no file system
 * points to them. A parallel signature pass proposes candidates; every candidate is confirmed by the format's own
 * parser and checksums (never by a signature alone) before it is reported or written out. The probes and the
 * signature pass live with the formats ({@code dev.salvor.formats.carve}); this package runs them over an image on
 * worker threads and writes out what they confirm.
 */
package dev.salvor.salvage.carve;
