package dev.salvor.salvage.backup;

import dev.salvor.formats.core.Limits;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.Formats;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Restores a backup archive into TARGET, verifying everything before anything is written.
 *
 * <ol>
 *   <li>TARGET: refused when it is a symbolic link, when it holds the archive, or when it exists and is not an
 *       empty directory — unless {@code force}, and then its content is moved aside to
 *       {@code TARGET.salvor-aside-YYYYMMDD-HHMMSS}, never deleted.</li>
 *   <li>Pass 1: the whole archive is read with {@link ArchiveReader} and must be intact (gzip, tar, manifest, every
 *       entry named, sized and hashed as listed, nothing hostile, the manifest beside it identical). Otherwise the
 *       restore is refused and not a byte is written anywhere.</li>
 *   <li>Pass 2: the archive is read again into a fresh staging directory beside TARGET
 *       ({@code .TARGET.salvor-restore-…}), every file created with {@code CREATE_NEW} (never through a link), its
 *       bytes hashed again on the way, fsynced, its mtime set from the manifest. The archive's own SHA-256 must be the
 *       one of pass 1 (it did not change in between).</li>
 *   <li>The staged files are hashed once more from disk against the manifest; directories are fsynced.</li>
 *   <li>TARGET's old content is moved aside (with {@code force}), the staging directory is renamed to TARGET
 *       atomically, and the parent directory is fsynced. A restore killed before this step leaves TARGET untouched
 *       and only a hidden staging directory; after it, TARGET is complete.</li>
 *   <li>{@code check} runs on every database the manifest names, at its restored place (chain verification for
 *       event logs), next to the verdict it had at backup time.</li>
 * </ol>
 */
public final class Restore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private Restore() {
    }

    /**
     * @param archive  the {@code .tar.gz}
     * @param target   where the content goes (created; its parent too)
     * @param force    move an existing non-empty TARGET aside instead of refusing
     * @param threads  worker threads for the post-restore check
     * @param limits   parser limits for the check
     * @param progress progress by phase
     * @param clock    time source for the aside name
     */
    public record Options(Path archive, Path target, boolean force, int threads, Limits limits,
                          ProgressListener progress, Clock clock) {
        public Options {
            Objects.requireNonNull(archive);
            Objects.requireNonNull(target);
            threads = Math.max(1, threads);
            limits = limits == null ? Limits.DEFAULT : limits;
            progress = progress == null ? ProgressListener.NONE : progress;
            clock = clock == null ? Clock.systemUTC() : clock;
        }

        public static Options of(Path archive, Path target) {
            return new Options(archive, target, false, Runtime.getRuntime().availableProcessors(), null, null, null);
        }

        public Options withForce(boolean f) {
            return new Options(archive, target, f, threads, limits, progress, clock);
        }

        public Options withProgress(ProgressListener p) {
            return new Options(archive, target, force, threads, limits, p, clock);
        }
    }

    /**
     * A database checked after the restore.
     *
     * @param now       the verdict on the restored data
     * @param atBackup  the verdict recorded in the manifest
     */
    public record Checked(BackupManifest.Component now, String atBackup) {
    }

    /**
     * A completed restore.
     *
     * @param target   TARGET
     * @param aside    where TARGET's previous content went, or null
     * @param verified pass 1's findings (intact)
     * @param checks   the post-restore checks
     */
    public record Result(Path target, Path aside, ArchiveReader.Result verified, List<Checked> checks) {
        /** {@code clean} when every check is clean (or nothing to check), else {@code damaged}. */
        public String verdict() {
            return checks.stream().allMatch(c -> c.now().verdict().equals("clean")) ? "clean" : "damaged";
        }
    }

    /**
     * Thrown when the archive was refused: carries pass 1's findings for the report.
     */
    public static final class Refused extends BackupException {
        private static final long serialVersionUID = 1L;
        private final transient ArchiveReader.Result findings;

        Refused(String message, ArchiveReader.Result findings) {
            super(Kind.ARCHIVE_REFUSED, message);
            this.findings = findings;
        }

        public ArchiveReader.Result findings() {
            return findings;
        }
    }

    /** Runs a restore. */
    public static Result run(Options o) throws IOException {
        Path archive = o.archive().toAbsolutePath().normalize();
        Path target = o.target().toAbsolutePath().normalize();
        checkTarget(archive, target, o.force());

        o.progress().phase("verifying", fileSize(archive));
        ArchiveReader.Result pass1 = ArchiveReader.verify(archive, o.progress()::done);
        if (!pass1.intact()) {
            List<String> p = pass1.problems();
            throw new Refused("refusing to restore " + archive.getFileName() + ": " + p.size() + " problem(s), first: "
                    + p.get(0) + "; nothing was written", pass1);
        }
        BackupManifest m = pass1.manifest();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        long need = m.totalBytes();
        long free = Files.getFileStore(parent).getUsableSpace();
        if (free < need) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "not enough space beside " + target + ": "
                    + need + " bytes needed, " + free + " usable; nothing was written");
        }
        checkTarget(archive, target, o.force()); // again: it may have changed while pass 1 ran

        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".salvor-restore-");
        try {
            // createTempDirectory makes it 0700; TARGET gets what mkdir would give it.
            Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString(
                    "rwxr-xr-x"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: its default stays
        }
        boolean moved = false;
        try {
            o.progress().phase("extracting", pass1.archiveSize());
            Staging sink = new Staging(staging, m);
            ArchiveReader.Result pass2 = ArchiveReader.read(archive, sink, o.progress()::done);
            if (!pass2.intact() || !Objects.equals(pass2.archiveSha256(), pass1.archiveSha256())) {
                throw new Refused("refusing to restore " + archive.getFileName() + ": the archive changed between"
                        + " verification and extraction (sha256 " + pass1.archiveSha256() + " then "
                        + pass2.archiveSha256() + (pass2.problems().isEmpty() ? "" : "; " + pass2.problems().get(0))
                        + "); nothing was written to " + target, pass2);
            }
            for (String d : m.directories()) {
                Files.createDirectories(staging.resolve(d));
            }
            o.progress().phase("re-hashing", need);
            rehash(staging, m, o.progress());
            fsyncTree(staging);

            Path aside = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !isEmptyDir(target)) {
                aside = asideName(target, o.clock().instant());
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
            }
            // rename(2) replaces an empty directory atomically; a non-empty one was moved aside just above.
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            Backup.fsyncDir(parent);

            List<Checked> checks = new ArrayList<>();
            for (BackupManifest.Component c : m.components()) {
                Path at = c.path().equals(".") ? target : target.resolve(c.path());
                Optional<FormatHandler> h = Formats.byName(c.format());
                if (h.isEmpty() || !Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                    checks.add(new Checked(new BackupManifest.Component(c.path(), c.format(), "failed", 0,
                            java.util.Map.of(), List.of(h.isEmpty() ? "format " + c.format() + " unknown to this"
                            + " salvor" : at + " missing after restore")), c.verdict()));
                    continue;
                }
                String step = "checking " + (c.path().equals(".") ? c.format() : c.path());
                o.progress().phase(step, 0);
                RunContext ctx = new RunContext(o.limits(), o.threads(), o.progress().within(step));
                checks.add(new Checked(Components.check(c.path(), at, h.get(), ctx), c.verdict()));
            }
            return new Result(target, aside, pass1, checks);
        } finally {
            if (!moved) {
                deleteTree(staging); // only our own staging directory, never TARGET
            }
        }
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void checkTarget(Path archive, Path target, boolean force) throws IOException {
        if (Files.isSymbolicLink(target)) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to restore into " + target
                    + ": it is a symbolic link (to " + Files.readSymbolicLink(target) + "); give the real path");
        }
        if (target.getParent() == null) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to restore into the root"
                    + " directory");
        }
        Path realArchive = Files.exists(archive) ? archive.toRealPath() : archive;
        if (archive.startsWith(target) || realArchive.startsWith(Backup.existingReal(target))) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to restore into " + target
                    + ": the archive lies inside it; restore somewhere else");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !isEmptyDir(target) && !force) {
            throw new BackupException(BackupException.Kind.TARGET_REFUSED, "refusing to restore into " + target
                    + ": it " + (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) ? "is not empty"
                    : "exists and is not a directory") + "; restore into a new directory, or add --force to move its"
                    + " current content aside (to " + target.getFileName() + ".salvor-aside-<time>, never deleted)");
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
            return !ds.iterator().hasNext();
        }
    }

    private static Path asideName(Path target, Instant now) {
        String base = target.getFileName() + ".salvor-aside-" + STAMP.format(now);
        Path p = target.resolveSibling(base);
        for (int n = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); n++) {
            p = target.resolveSibling(base + "-" + n);
        }
        return p;
    }

    /** Writes verified entries into the staging directory. */
    private static final class Staging implements ArchiveReader.Sink {
        private final Path root;
        private final java.util.Map<String, BackupManifest.FileEntry> files;
        private FileChannel channel;

        Staging(Path root, BackupManifest m) {
            this.root = root;
            this.files = m.filesByPath();
        }

        private Path resolve(String name) throws IOException {
            // Names were validated by ArchiveReader (relative, no '.', '..', empty segment, '\' or ':'); resolve
            // them segment by segment and make sure the result stays under the root all the same.
            Path p = root;
            for (String seg : name.split("/")) {
                p = p.resolve(seg);
            }
            if (!p.normalize().startsWith(root) || p.equals(root)) {
                throw new IOException("entry " + EntryName.quote(name) + " resolves outside the staging directory");
            }
            return p;
        }

        @Override
        public void directory(String name) throws IOException {
            Files.createDirectories(resolve(name));
        }

        @Override
        public OutputStream beginFile(BackupManifest.FileEntry entry) throws IOException {
            if (!files.containsKey(entry.path())) {
                return null;
            }
            Path p = resolve(entry.path());
            Files.createDirectories(p.getParent());
            // CREATE_NEW: fails on anything already there, a link included; NOFOLLOW_LINKS for good measure.
            channel = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            return new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush(); // the channel is closed by endFile, after fsync
                }
            };
        }

        @Override
        public void endFile(BackupManifest.FileEntry entry, OutputStream out, boolean verified) throws IOException {
            if (out == null) {
                return;
            }
            try {
                out.close();
                channel.force(true);
            } finally {
                channel.close();
                channel = null;
            }
            if (!verified) {
                throw new IOException("entry " + EntryName.quote(entry.path()) + " does not match the manifest on"
                        + " the second reading (the archive changed between verification and extraction)");
            }
            if (entry.mtime() != null) {
                Files.setLastModifiedTime(resolve(entry.path()), FileTime.from(Instant.parse(entry.mtime())));
            }
        }
    }

    /** Hashes every staged file from disk against the manifest. */
    private static void rehash(Path staging, BackupManifest m, ProgressListener progress) throws IOException {
        long done = 0;
        for (BackupManifest.FileEntry f : m.files()) {
            Path p = staging;
            for (String seg : f.path().split("/")) {
                p = p.resolve(seg);
            }
            long size = Files.size(p);
            String sha = Sha256.ofFile(p);
            if (size != f.size() || !sha.equals(f.sha256())) {
                throw new IOException("restored file " + EntryName.quote(f.path()) + " does not match the manifest"
                        + " after writing (sha256 " + sha + " vs " + f.sha256() + ", size " + size + " vs " + f.size()
                        + "): disk fault? TARGET was not touched");
            }
            done += size;
            progress.done(done);
        }
    }

    /** fsyncs every directory of the tree, deepest first. */
    private static void fsyncTree(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (var s = Files.walk(root)) {
            s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path d : dirs) {
            Backup.fsyncDir(d);
        }
    }

    /** Deletes salvor's own staging directory after a failed restore (it holds nothing that is not in the archive). */
    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.comparingInt(Path::getNameCount).reversed());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Left behind: a hidden .salvor-restore- directory the user may delete.
        }
    }

    /** For tests and messages: the staging-name prefix of {@code target}. */
    static String stagingPrefix(Path target) {
        return "." + target.getFileName() + ".salvor-restore-";
    }
}
