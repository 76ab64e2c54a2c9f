/**
 * Cold backups that lose nothing: {@link dev.salvor.salvage.backup.Backup} writes a {@code .tar.gz} whose first entry
 * is a SHA-256 {@link dev.salvor.salvage.backup.BackupManifest} (with the {@code check} verdict and a format summary
 * of every database in the source), {@link dev.salvor.salvage.backup.ArchiveReader} verifies one entry by entry,
 * {@link dev.salvor.salvage.backup.Restore} verifies everything before it writes anything and never overwrites or
 * deletes, and {@link dev.salvor.salvage.backup.DiskImage} makes a bit-exact, hashed copy of a file or block device.
 * The library never prints: results and notes are returned, progress goes to a
 * {@link dev.salvor.salvage.backup.ProgressListener}.
 */
package dev.salvor.salvage.backup;
