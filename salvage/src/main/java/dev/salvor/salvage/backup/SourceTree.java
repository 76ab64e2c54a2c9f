package dev.salvor.salvage.backup;

import dev.salvor.salvage.DetectedInput;
import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.Formats;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a backup of one source holds: the regular files and directories below a directory (symbolic links never
 * followed), or a single file with the files its format reads beside it (an SQLite database's {@code -wal} and
 * {@code -journal}). Anything else (links, sockets, FIFOs, devices) is listed as skipped, with a link's target.
 *
 * @param root        the source, absolute and normalised
 * @param directory   true for a directory source
 * @param files       regular files, sorted by relative path
 * @param directories directories below the root, sorted (parents first)
 * @param skipped     entries that are not backed up
 * @param database    a file source's format and the files it reads, as detected once while walking; null for a
 *                    directory source or a file of no recognised format
 */
public record SourceTree(Path root, boolean directory, List<SourceFile> files, List<String> directories,
                         List<BackupManifest.Skipped> skipped, DetectedInput database) {

    /**
     * Largest number of entries walked (a guard against pointing the tool at {@code /}; a database directory holds
     * hundreds or thousands). Keeps every manifest under {@link BackupManifest#MAX_BYTES}.
     */
    public static final int MAX_ENTRIES = 200_000;

    /**
     * One regular file.
     *
     * @param path     the file
     * @param name     its archive name (relative, {@code /} separators)
     */
    public record SourceFile(Path path, String name) {
    }

    /**
     * Walks {@code source}.
     *
     * @throws BackupException ({@link BackupException.Kind#SOURCE_UNREADABLE}) when the source is missing, a symbolic
     *                         link, not a file or directory, too large, or holds a name that restore would refuse
     */
    public static SourceTree scan(Path source) throws IOException {
        Path root = source.toAbsolutePath().normalize();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, "cannot read " + source
                    + ": no such file or directory");
        }
        if (Files.isSymbolicLink(root)) {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, source + " is a symbolic link: give"
                    + " the real path (" + Files.readSymbolicLink(root) + ") so the backup names what it copied");
        }
        List<SourceFile> files = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        List<BackupManifest.Skipped> skipped = new ArrayList<>();
        DetectedInput database = null;
        if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> members = new ArrayList<>(List.of(root));
            FormatHandler h = Formats.detect(root).orElse(null);
            if (h != null) {
                database = DetectedInput.list(root, h);
                for (Path p : database.paths()) {
                    Path a = p.toAbsolutePath().normalize();
                    // Only companions beside the file (an SQLite database's -wal and -journal) travel with it.
                    if (!members.contains(a) && root.getParent().equals(a.getParent())
                            && Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS)) {
                        members.add(a);
                    }
                }
            }
            for (Path p : members) {
                files.add(new SourceFile(p, p.getFileName().toString()));
            }
        } else if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            walk(root, files, dirs, skipped);
        } else {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, source
                    + " is neither a regular file nor a directory (use 'salvor image' for a block device)");
        }
        files.sort(Comparator.comparing(SourceFile::name));
        dirs.sort(Comparator.naturalOrder());
        SourceTree t = new SourceTree(root, !Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS), List.copyOf(files),
                List.copyOf(dirs), List.copyOf(skipped), database);
        t.checkNames();
        return t;
    }

    private static void walk(Path root, List<SourceFile> files, List<String> dirs,
                             List<BackupManifest.Skipped> skipped) throws IOException {
        int[] count = {0};
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        count(count, root);
                        if (!dir.equals(root)) {
                            dirs.add(name(root, dir));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        count(count, root);
                        String name = name(root, file);
                        if (attrs.isRegularFile()) {
                            files.add(new SourceFile(file, name));
                        } else if (attrs.isSymbolicLink()) {
                            skipped.add(new BackupManifest.Skipped(name, "symlink", "-> "
                                    + Files.readSymbolicLink(file) + " (not followed; recreate it by hand if needed)"));
                        } else {
                            skipped.add(new BackupManifest.Skipped(name, typeOf(file), "not a regular file"));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                        throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, "cannot read " + file
                                + ": " + reason(exc));
                    }
                });
    }

    private static void count(int[] count, Path root) throws BackupException {
        if (++count[0] > MAX_ENTRIES) {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, root + " holds more than " + MAX_ENTRIES
                    + " entries: not a database directory (back up its parts separately)");
        }
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory (removed while the backup was listing the source?)";
        }
        return String.valueOf(e.getMessage());
    }

    private static String typeOf(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int m = ((Integer) mode) & 0170000;
            return switch (m) {
                case 0140000 -> "socket";
                case 0010000 -> "fifo";
                case 0020000 -> "character-device";
                case 0060000 -> "block-device";
                default -> "other";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "other";
        }
    }

    private static String name(Path root, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path seg : root.relativize(p)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(seg);
        }
        return sb.toString();
    }

    /** Refuses names that restore would refuse, so no backup is ever written that cannot be restored. */
    private void checkNames() throws BackupException {
        List<BackupManifest.FileEntry> fe = new ArrayList<>();
        for (SourceFile f : files) {
            String problem = EntryName.problem(f.name());
            if (problem != null) {
                throw unsafe(f.name(), problem);
            }
            fe.add(new BackupManifest.FileEntry(f.name(), 0, "", null));
        }
        for (String d : directories) {
            String problem = EntryName.problem(d);
            if (problem != null) {
                throw unsafe(d, problem);
            }
        }
        String clash = new BackupManifest(1, "", "", "", "", "", fe, directories, List.of(), List.of(), "", 0,
                Map.of()).collision();
        if (clash != null) {
            throw new BackupException(BackupException.Kind.SOURCE_UNREADABLE, root + ": " + clash + "; a restore"
                    + " onto a case-insensitive or normalising file system would lose one of them, so salvor refuses"
                    + " to write such a backup (rename one, or back up the two directories separately)");
        }
    }

    private BackupException unsafe(String name, String problem) {
        return new BackupException(BackupException.Kind.SOURCE_UNREADABLE, root + ": cannot back up "
                + EntryName.quote(name) + ": " + problem + "; salvor's restore refuses such names, so it will not"
                + " write a backup it could not restore (rename the file first)");
    }

    /** Total bytes of the files, from a fresh stat. */
    public long totalBytes() {
        long t = 0;
        for (SourceFile f : files) {
            t += f.path().toFile().length();
        }
        return t;
    }

    /** Files by archive name. */
    public Map<String, SourceFile> byName() {
        Map<String, SourceFile> m = new HashMap<>();
        files.forEach(f -> m.put(f.name(), f));
        return m;
    }
}
