package dev.salvor.salvage.backup;

import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Sha256;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * A cold backup: {@code DIR/<label>-YYYYMMDD-HHMMSS.tar.gz} whose first entry is {@code manifest.json}, and the same
 * manifest beside it ({@code <label>-YYYYMMDD-HHMMSS.manifest.json}).
 *
 * <ol>
 *   <li>List the source ({@link SourceTree}) and fingerprint every file: size, mtime and SHA-256.</li>
 *   <li>Find the databases in it and run {@code check} on each ({@link Components}); the verdict and a format
 *       summary go into the manifest. Damaged data is backed up all the same: evidence first.</li>
 *   <li>Stream the archive into a hidden temporary file beside its final name: the manifest, the directories, then
 *       every file, re-hashed as it is copied. A file whose bytes, size or mtime differ from its fingerprint, or a
 *       file that appeared or vanished, means the source changed while it was read: the attempt is discarded and
 *       everything is read once more; a second change fails the backup ({@link BackupException.Kind#SOURCE_CHANGED}).
 *       A cold backup is consistent or it is nothing.</li>
 *   <li>fsync, then read the whole temporary archive back with {@link ArchiveReader} (every entry re-hashed against
 *       the manifest, gzip and tar structure checked).</li>
 *   <li>Publish without ever replacing anything: the manifest beside, then the archive, each by a hard link to its
 *       final name (which fails if the name exists) or a no-replace rename; fsync the directory. A backup killed
 *       at any point leaves only {@code .<label>-….tmp} files: nothing under a final name that is incomplete.</li>
 *   <li>With {@code keep > 0}, only then remove older backups of the same label ({@link Rotation}).</li>
 * </ol>
 * SQLite is never opened with SQLite, so never checkpointed: a {@code -wal} is part of the data and is copied as is.
 */
public final class Backup {
    /** Labels: a letter or digit, then letters, digits, {@code .}, {@code _}, {@code -}; at most 100. */
    public static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private Backup() {
    }

    /**
     * What to back up and how.
     *
     * @param source           a directory or a file
     * @param outputDir        where the archive and its manifest go (created if missing; never inside the source)
     * @param label            the archive name's prefix; null for the default ({@link #defaultLabel})
     * @param keep             0 to keep everything, else how many backups of this label to keep (the new one included)
     * @param compressionLevel gzip level 1..9
     * @param threads          worker threads for hashing and checking
     * @param limits           parser limits for the check
     * @param progress         progress by phase
     * @param clock            the time source (names and {@code created_at})
     * @param tool             the {@code tool} member of the manifest
     */
    public record Options(Path source, Path outputDir, String label, int keep, int compressionLevel, int threads,
                          Limits limits, ProgressListener progress, Clock clock, String tool) {
        public Options {
            Objects.requireNonNull(source);
            Objects.requireNonNull(outputDir);
            if (keep < 0) {
                throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
            }
            if (compressionLevel < 1 || compressionLevel > 9) {
                throw new IllegalArgumentException("compression level must be 1..9, got " + compressionLevel);
            }
            if (label != null && !LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("label " + EntryName.quote(label) + " must match "
                        + LABEL.pattern());
            }
            threads = Math.max(1, threads);
            progress = progress == null ? ProgressListener.NONE : progress;
            clock = clock == null ? Clock.systemUTC() : clock;
            limits = limits == null ? Limits.DEFAULT : limits;
        }

        /** Defaults: no rotation, gzip level 6, every core, default limits, no progress, the system clock. */
        public static Options of(Path source, Path outputDir) {
            return new Options(source, outputDir, null, 0, 6, Runtime.getRuntime().availableProcessors(), null, null,
                    null, "salvor");
        }

        public Options withLabel(String l) {
            return new Options(source, outputDir, l, keep, compressionLevel, threads, limits, progress, clock, tool);
        }

        public Options withKeep(int k) {
            return new Options(source, outputDir, label, k, compressionLevel, threads, limits, progress, clock, tool);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(source, outputDir, label, keep, compressionLevel, threads, limits, p, clock, tool);
        }

        public Options withClock(Clock c) {
            return new Options(source, outputDir, label, keep, compressionLevel, threads, limits, progress, c, tool);
        }
    }

    /**
     * A published, verified backup.
     *
     * @param archive       the {@code .tar.gz}
     * @param manifestFile  the manifest beside it
     * @param manifest      its content
     * @param archiveBytes  the archive's size
     * @param archiveSha256 the archive file's SHA-256
     * @param attempts      1, or 2 when the source changed during the first reading
     * @param removed       older backups removed by {@code keep}
     * @param notes         observations (skipped entries, stale temporary files, a retried attempt...)
     */
    public record Result(Path archive, Path manifestFile, BackupManifest manifest, long archiveBytes,
                         String archiveSha256, int attempts, List<Path> removed, List<String> notes) {
    }

    /** The default label: {@code backup-} and the source's name, reduced to {@link #LABEL}'s characters. */
    public static String defaultLabel(Path source) {
        Path n = source.toAbsolutePath().normalize().getFileName();
        String s = n == null ? "root" : n.toString().replaceAll("[^A-Za-z0-9._-]", "_");
        String l = "backup-" + s;
        return l.length() > 100 ? l.substring(0, 100) : l;
    }

    /** Runs a backup. */
    public static Result run(Options o) throws IOException {
        Path source = o.source().toAbsolutePath().normalize();
        Path out = o.outputDir().toAbsolutePath().normalize();
        String label = o.label() != null ? o.label() : defaultLabel(source);
        refuseOutputInsideSource(source, out);
        List<String> notes = new ArrayList<>();
        Files.createDirectories(out);
        staleTemporaries(out, label, notes);
        SourceChanged first = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                Result r = attempt(o, source, out, label, notes, attempt);
                return r;
            } catch (SourceChanged e) {
                if (attempt == 2) {
                    throw new BackupException(BackupException.Kind.SOURCE_CHANGED, "the source changed while it was"
                            + " read, twice (" + first.getMessage() + "; then " + e.getMessage() + "): a cold backup"
                            + " is consistent or it is nothing, so no archive was written; stop the program writing"
                            + " to " + source + " (or back up a file-system snapshot of it) and run again");
                }
                first = e;
                notes.add("the source changed while it was read (" + e.getMessage() + "): discarded that attempt and"
                        + " read everything again");
            }
        }
        throw new AssertionError("unreachable");
    }

    private static void refuseOutputInsideSource(Path source, Path out) throws IOException {
        Path realOut = existingReal(out);
        Path realSrc = Files.exists(source) ? source.toRealPath() : source;
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)
                && (out.startsWith(source) || realOut.startsWith(realSrc))) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to write the backup into "
                    + out + ": it is inside the source " + source + " (the backup would change what it copies)");
        }
    }

    /** The real path of {@code p}'s nearest existing ancestor, with the rest appended. */
    static Path existingReal(Path p) throws IOException {
        Path existing = p;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        Path r = existing.toRealPath();
        for (Path s : rest) {
            r = r.resolve(s);
        }
        return r;
    }

    private static void staleTemporaries(Path out, String label, List<String> notes) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(out, "." + label + "-*.tmp")) {
            for (Path p : ds) {
                notes.add("left by an interrupted backup, incomplete, safe to delete: " + p);
            }
        }
    }

    private record Fingerprint(SourceTree.SourceFile file, long size, FileTime mtime, Object fileKey, String sha256,
                               int mode) {
    }

    /** The source changed while it was read (message: what changed). */
    private static final class SourceChanged extends Exception {
        private static final long serialVersionUID = 1L;

        SourceChanged(String message) {
            super(message, null, false, false);
        }
    }

    private static Result attempt(Options o, Path source, Path out, String label, List<String> notes, int attempt)
            throws IOException, SourceChanged {
        Instant created = o.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        SourceTree tree = SourceTree.scan(source);
        List<Fingerprint> prints = fingerprint(tree, o);

        List<Components.Found> found = Components.find(tree);
        List<BackupManifest.Component> components = new ArrayList<>();
        for (Components.Found f : found) {
            String step = "checking " + (f.path().equals(".") ? f.handler().name()
                    : f.path() + " (" + f.handler().name() + ")");
            o.progress().phase(step, f.input().bytes());
            components.add(Components.check(f, new RunContext(o.limits(), o.threads(), o.progress().within(step))));
        }
        BackupManifest manifest = manifest(o, source, tree, prints, components, label, created);
        byte[] mjson = manifest.toJson();
        if (attempt == 1) {
            tree.skipped().forEach(s -> notes.add("not backed up: " + EntryName.quote(s.path()) + " (" + s.type()
                    + " " + s.detail() + ")"));
        }

        Path temp = Files.createTempFile(out, "." + label + "-", ".tar.gz.tmp");
        boolean published = false;
        try {
            write(o, temp, mjson, created, tree, prints);
            ensureUnchanged(source, tree, prints);
            o.progress().phase("verifying", Files.size(temp));
            ArchiveReader.Result v = ArchiveReader.verify(temp, o.progress()::done);
            if (!v.intact() || !java.util.Arrays.equals(v.manifestBytes(), mjson)) {
                throw new IOException("the archive just written does not verify (" + String.join("; ",
                        v.problems().subList(0, Math.min(3, v.problems().size()))) + "): disk or memory fault?"
                        + " Nothing was published");
            }
            Path[] names = publish(out, label, created, temp, mjson);
            published = true;
            List<Path> removed = o.keep() > 0 ? Rotation.prune(out, label, o.keep(), names[0], notes) : List.of();
            return new Result(names[0], names[1], manifest, v.archiveSize(), v.archiveSha256(), attempt, removed,
                    notes);
        } finally {
            if (!published) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static List<Fingerprint> fingerprint(SourceTree tree, Options o) throws IOException {
        long total = 0;
        for (SourceTree.SourceFile f : tree.files()) {
            total += f.path().toFile().length();
        }
        o.progress().phase("hashing", total);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(o.threads(), Math.max(1, tree.files().size())),
                r -> {
                    Thread t = new Thread(r, "salvor-backup-sha256");
                    t.setDaemon(true);
                    return t;
                });
        try {
            java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
            List<Future<Fingerprint>> fs = new ArrayList<>();
            for (SourceTree.SourceFile f : tree.files()) {
                fs.add(pool.submit(() -> {
                    BasicFileAttributes a = Files.readAttributes(f.path(), BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    MessageDigest md = Sha256.newDigest();
                    byte[] buf = new byte[1 << 20];
                    long n = 0;
                    try (InputStream in = Files.newInputStream(f.path(), LinkOption.NOFOLLOW_LINKS)) {
                        int r;
                        while ((r = in.read(buf)) > 0) {
                            md.update(buf, 0, r);
                            n += r;
                            o.progress().done(done.addAndGet(r));
                        }
                    }
                    return new Fingerprint(f, n, a.lastModifiedTime(), a.fileKey(), Sha256.hex(md.digest()),
                            mode(f.path()));
                }));
            }
            List<Fingerprint> out = new ArrayList<>();
            for (Future<Fingerprint> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, "cannot read "
                        + (io instanceof java.nio.file.FileSystemException fse ? fse.getFile() + ": " : "")
                        + SourceTree.reason(io), io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private static int mode(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int m = 0;
            for (PosixFilePermission x : perms) {
                m |= 1 << (8 - x.ordinal());
            }
            return m;
        } catch (IOException | UnsupportedOperationException e) {
            return 0644;
        }
    }

    private static BackupManifest manifest(Options o, Path source, SourceTree tree, List<Fingerprint> prints,
                                           List<BackupManifest.Component> components, String label, Instant created) {
        List<BackupManifest.FileEntry> files = new ArrayList<>();
        for (Fingerprint f : prints) {
            files.add(new BackupManifest.FileEntry(f.file().name(), f.size(), f.sha256(),
                    f.mtime().toInstant().toString()));
        }
        String verdict = components.isEmpty() ? "unchecked"
                : components.stream().anyMatch(c -> c.verdict().equals("damaged")) ? "damaged"
                : components.stream().anyMatch(c -> c.verdict().equals("failed")) ? "failed" : "clean";
        long damages = components.stream().mapToLong(BackupManifest.Component::damages).sum();
        Map<String, Object> extras = new LinkedHashMap<>();
        components.stream().filter(c -> c.format().equals("jsonlog")).findFirst().ifPresent(c -> {
            // Seed 001 §3.2's members, for the scripts that already read them.
            Map<String, Object> s = c.summary();
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("total_events", s.get("events"));
            ev.put("total_segments", s.get("segments"));
            ev.put("first_event_id", s.get("first_event_id"));
            ev.put("last_event_id", s.get("last_event_id"));
            ev.put("last_current_hash", s.get("last_current_hash"));
            ev.put("snapshot_exists", s.get("snapshot_exists"));
            extras.put("eventlog_summary", ev);
            extras.put("chain_valid_at_backup", Boolean.TRUE.equals(s.get("chain_valid")));
        });
        return new BackupManifest(BackupManifest.VERSION, created.toString(), o.tool(), label, source.toString(),
                tree.directory() ? "directory" : "file", files, tree.directories(), tree.skipped(), components,
                verdict, damages, extras);
    }

    private static void write(Options o, Path temp, byte[] mjson, Instant created, SourceTree tree,
                              List<Fingerprint> prints) throws IOException, SourceChanged {
        long total = prints.stream().mapToLong(Fingerprint::size).sum();
        o.progress().phase("writing", total);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            // The channel outlives the streams so it can be fsynced after they are closed.
            OutputStream fileOut = new BufferedOutputStream(new java.io.FilterOutputStream(
                    java.nio.channels.Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            }, 1 << 20);
            // One gzip member, deflated on every core (pigz-style); Commons Compress writes the tar stream.
            ParallelGzipOutputStream gz = new ParallelGzipOutputStream(fileOut, o.compressionLevel(), o.threads(),
                    created);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            try {
                writeEntries(o, mjson, created, tree, prints, tar);
            } catch (IOException | SourceChanged | RuntimeException e) {
                gz.abort(); // stops the compressing threads; the temporary file is deleted by the caller
                throw e;
            }
            tar.close(); // writes the end-of-archive marker, the last deflate block and the gzip trailer
            ch.force(true);
        }
    }

    private static void writeEntries(Options o, byte[] mjson, Instant created, SourceTree tree,
                                     List<Fingerprint> prints, TarArchiveOutputStream tar)
            throws IOException, SourceChanged {
        {

            TarArchiveEntry me = entry(BackupManifest.ENTRY_NAME, TarConstants.LF_NORMAL, 0644,
                    FileTime.from(created));
            me.setSize(mjson.length);
            tar.putArchiveEntry(me);
            tar.write(mjson);
            tar.closeArchiveEntry();

            for (String d : tree.directories()) {
                Path p = tree.root().resolve(d);
                FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
                tar.putArchiveEntry(entry(d + "/", TarConstants.LF_DIR, mode(p), t));
                tar.closeArchiveEntry();
            }
            byte[] buf = new byte[1 << 20];
            long done = 0;
            for (Fingerprint f : prints) {
                TarArchiveEntry te = entry(f.file().name(), TarConstants.LF_NORMAL, f.mode(), f.mtime());
                te.setSize(f.size());
                tar.putArchiveEntry(te);
                MessageDigest md = Sha256.newDigest();
                Path p = f.file().path();
                try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                    long left = f.size();
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new SourceChanged(f.file().name() + " shrank from " + f.size() + " to "
                                    + (f.size() - left) + " bytes");
                        }
                        md.update(buf, 0, n);
                        tar.write(buf, 0, n);
                        left -= n;
                        done += n;
                        o.progress().done(done);
                    }
                    if (in.read() >= 0) {
                        throw new SourceChanged(f.file().name() + " grew beyond " + f.size() + " bytes");
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new SourceChanged(f.file().name() + " vanished");
                }
                String sha = Sha256.hex(md.digest());
                if (!sha.equals(f.sha256())) {
                    throw new SourceChanged(f.file().name() + " changed: sha256 " + sha + " now vs " + f.sha256()
                            + " when first read");
                }
                tar.closeArchiveEntry();
            }
        }
    }

    private static TarArchiveEntry entry(String name, byte type, int mode, FileTime mtime) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode((type == TarConstants.LF_DIR ? 040000 : 0100000) | (mode & 0777));
        e.setModTime(mtime);
        e.setUserName("");
        e.setGroupName("");
        e.setIds(0, 0);
        return e;
    }

    /** After writing: the same files, each with its fingerprint's size and mtime. */
    private static void ensureUnchanged(Path source, SourceTree before, List<Fingerprint> prints)
            throws IOException, SourceChanged {
        SourceTree now;
        try {
            now = SourceTree.scan(source);
        } catch (BackupException e) {
            throw new SourceChanged("listing it again failed: " + e.getMessage());
        }
        Set<String> a = before.byName().keySet();
        Set<String> b = now.byName().keySet();
        if (!a.equals(b)) {
            List<String> added = b.stream().filter(x -> !a.contains(x)).sorted().limit(5).toList();
            List<String> gone = a.stream().filter(x -> !b.contains(x)).sorted().limit(5).toList();
            throw new SourceChanged("files " + (added.isEmpty() ? "" : "appeared " + added)
                    + (gone.isEmpty() ? "" : (added.isEmpty() ? "" : ", ") + "vanished " + gone));
        }
        for (Fingerprint f : prints) {
            BasicFileAttributes at = Files.readAttributes(f.file().path(), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (at.size() != f.size() || !at.lastModifiedTime().equals(f.mtime())
                    || !Objects.equals(at.fileKey(), f.fileKey())) {
                throw new SourceChanged(f.file().name() + " was modified while the backup ran (size " + at.size()
                        + " vs " + f.size() + ", mtime " + at.lastModifiedTime() + " vs " + f.mtime() + ")");
            }
        }
    }

    /** Publishes the manifest, then the archive, under free names; never replaces a file. */
    private static Path[] publish(Path out, String label, Instant created, Path temp, byte[] mjson)
            throws IOException {
        String stamp = STAMP.format(created);
        for (int n = 1; n < 1000; n++) {
            String base = label + "-" + stamp + (n == 1 ? "" : "-" + n);
            Path archive = out.resolve(base + ".tar.gz");
            Path manifest = out.resolve(base + ".manifest.json");
            if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS) || Files.exists(manifest, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Path mtemp = Files.createTempFile(out, "." + label + "-", ".manifest.json.tmp");
            try {
                try (FileChannel ch = FileChannel.open(mtemp, StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(mjson);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(true);
                }
                if (!linkNoReplace(mtemp, manifest)) {
                    continue;
                }
            } finally {
                Files.deleteIfExists(mtemp);
            }
            if (!linkNoReplace(temp, archive)) {
                Files.deleteIfExists(manifest); // ours, just created: the pair moves to the next free name
                continue;
            }
            Files.deleteIfExists(temp);
            fsyncDir(out);
            return new Path[] {archive, manifest};
        }
        throw new BackupException(BackupException.Kind.TARGET_REFUSED, "no free archive name for " + label + "-"
                + stamp + " in " + out);
    }

    /**
     * Gives {@code from} the name {@code to} unless {@code to} exists: a hard link (atomic, fails on an existing
     * name), or where links are unsupported a rename after an existence check.
     *
     * @return false when {@code to} exists
     */
    static boolean linkNoReplace(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.FileSystemException && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try {
                Files.move(from, to);
                Files.createFile(from); // keep the caller's delete of the temporary name harmless
                return true;
            } catch (FileAlreadyExistsException x) {
                return false;
            }
        }
    }

    /** fsyncs a directory (where the platform allows opening one). */
    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory for fsync; the rename itself is still atomic.
        }
    }
}
