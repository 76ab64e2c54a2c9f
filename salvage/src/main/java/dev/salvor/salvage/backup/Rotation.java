package dev.salvor.salvage.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --keep N}: removes the older backups of one label so that N remain, the one just written included. Run
 * only after that one was verified and published. A candidate is removed only when its name is exactly
 * {@code <label>-YYYYMMDD-HHMMSS[-n].tar.gz} and the manifest beside it is a salvor manifest of the same label:
 * anything else in the directory (other labels, other tools' files, an archive whose manifest is missing or
 * unreadable) is left alone.
 */
public final class Rotation {
    private Rotation() {
    }

    private record Candidate(Path archive, Path manifest, String stamp, int n) {
    }

    /**
     * Removes older backups of {@code label} in {@code dir} beyond the newest {@code keep}.
     *
     * @param justWritten the new archive, always kept
     * @param notes       receives what was left alone and why
     * @return the files removed
     */
    public static List<Path> prune(Path dir, String label, int keep, Path justWritten, List<String> notes)
            throws IOException {
        Pattern p = Pattern.compile(Pattern.quote(label) + "-(\\d{8}-\\d{6})(?:-(\\d{1,3}))?\\.tar\\.gz");
        List<Candidate> all = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                Matcher m = p.matcher(f.getFileName().toString());
                if (!m.matches() || f.getFileName().equals(justWritten.getFileName())
                        || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                all.add(new Candidate(f, ArchiveReader.besidePath(f), m.group(1),
                        m.group(2) == null ? 1 : Integer.parseInt(m.group(2))));
            }
        }
        // Newest first; the new archive takes one of the places.
        all.sort(Comparator.comparing(Candidate::stamp).thenComparingInt(Candidate::n).reversed());
        List<Path> removed = new ArrayList<>();
        for (int i = keep - 1; i < all.size(); i++) {
            Candidate c = all.get(i);
            String why = sameLabel(c.manifest(), label);
            if (why != null) {
                notes.add("--keep left " + c.archive().getFileName() + " alone: " + why);
                continue;
            }
            Files.delete(c.archive());
            removed.add(c.archive());
            Files.deleteIfExists(c.manifest());
            removed.add(c.manifest());
        }
        if (!removed.isEmpty()) {
            Backup.fsyncDir(dir);
        }
        return removed;
    }

    /** Null when {@code manifest} is a salvor backup manifest of {@code label}; otherwise why not. */
    private static String sameLabel(Path manifest, String label) {
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            return "no manifest beside it";
        }
        try {
            if (Files.size(manifest) > BackupManifest.MAX_BYTES) {
                return "its manifest is too large";
            }
            BackupManifest m = BackupManifest.parse(Files.readAllBytes(manifest), manifest.getFileName().toString());
            return label.equals(m.label()) ? null : "its manifest names label " + EntryName.quote(m.label());
        } catch (IOException e) {
            return "its manifest cannot be read (" + e.getMessage() + ")";
        }
    }
}
