package dev.salvor.salvage.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.DataBlockRef;
import dev.salvor.formats.leveldb.Footer;
import dev.salvor.formats.leveldb.LogReader;
import dev.salvor.formats.leveldb.LogRecordHeader;
import dev.salvor.formats.leveldb.TableReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the files of a LevelDB database and decides what each one is, by content first:
 * <ul>
 *   <li>table: the last 8 bytes are the table magic {@code 0xdb4775248b80fb57};</li>
 *   <li>log or MANIFEST: the first physical record header's CRC verifies; a first record that decodes as a version
 *       edit (tag 1 comparator, tag 2 log number, ...) makes it a MANIFEST, else a write-ahead log;</li>
 *   <li>only when the content proves nothing (zeroed footer, damaged first record) does the name decide
 *       ({@code NNN.ldb}/{@code .sst}, {@code NNN.log}, {@code MANIFEST-NNN}).</li>
 * </ul>
 * CURRENT is read (at most 4 KiB) but never trusted blindly: it must name {@code MANIFEST-[0-9]+} inside the
 * directory. Nothing is followed through symbolic links.
 */
public final class LevelDbLayout {
    private static final Pattern NUMBERED = Pattern.compile("(\\d+)\\.(log|ldb|sst)");
    private static final Pattern MANIFEST = Pattern.compile("MANIFEST-(\\d+)");
    /** A table carved out of an image ({@code salvor carve}: image offset in 16 hex digits), e.g. a footerless run. */
    private static final Pattern CARVED_TABLE = Pattern.compile("[0-9a-f]{16}\\.ldb");
    private static final int MAX_FILES = 1_000_000;

    private final Path root;
    private final List<LevelDbFile> files;
    private final List<String> notes;
    private final String currentManifest;
    private final List<Damage> damages;

    private LevelDbLayout(Path root, List<LevelDbFile> files, List<String> notes, String currentManifest,
                          List<Damage> damages) {
        this.root = root;
        this.files = files;
        this.notes = notes;
        this.currentManifest = currentManifest;
        this.damages = damages;
    }

    /** Scans a directory, or classifies a single file. */
    public static LevelDbLayout scan(Path path) throws IOException {
        List<LevelDbFile> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String current = null;
        List<Damage> damages = new ArrayList<>();
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
                for (Path p : ds) {
                    if (entries.size() >= MAX_FILES) {
                        notes.add("more than " + MAX_FILES + " entries in " + path + ": the rest were not read");
                        break;
                    }
                    entries.add(p);
                }
            }
            entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
            for (Path p : entries) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.isSymbolicLink(p)) {
                        notes.add(p.getFileName() + " is a symbolic link: not followed");
                    }
                    continue;
                }
                files.add(classify(p, p.getFileName().toString()));
            }
            current = readCurrent(path, files, notes);
            boolean holdsData = files.stream().anyMatch(f -> f.role() == FileRole.LOG || f.role() == FileRole.TABLE);
            if (current == null && holdsData) {
                // LevelDB cannot open a database without a valid CURRENT naming an existing MANIFEST.
                damages.add(new Damage("CURRENT", -1, 0, DamageKind.MISSING_FILE, "CURRENT naming an existing"
                        + " MANIFEST-<number>", files.stream().anyMatch(f -> f.role() == FileRole.CURRENT)
                        ? "unusable CURRENT" : "no CURRENT", "the database cannot be opened by LevelDB (deleted or"
                        + " damaged CURRENT/MANIFEST); every log and table was read instead"));
            }
        } else {
            files.add(classify(path, path.toString()));
        }
        return new LevelDbLayout(path, files, notes, current, damages);
    }

    /** The directory or file scanned. */
    public Path root() {
        return root;
    }

    public List<LevelDbFile> files() {
        return files;
    }

    public List<LevelDbFile> files(FileRole role) {
        return files.stream().filter(f -> f.role() == role).toList();
    }

    /** Observations about the layout (missing CURRENT, suspicious names...). */
    public List<String> notes() {
        return notes;
    }

    /** Damage of the directory as a whole (CURRENT or its MANIFEST missing or unusable). */
    public List<Damage> damages() {
        return damages;
    }

    /** The MANIFEST named by a valid CURRENT, if any. */
    public Optional<String> currentManifest() {
        return Optional.ofNullable(currentManifest);
    }

    /** True when at least one file holds LevelDB data. */
    public boolean looksLikeLevelDb() {
        return files.stream().anyMatch(f -> f.role().holdsData() && !f.why().startsWith("name only"));
    }

    static LevelDbFile classify(Path p, String display) throws IOException {
        String base = p.getFileName().toString();
        long size = Files.size(p);
        Matcher numbered = NUMBERED.matcher(base);
        Matcher manifest = MANIFEST.matcher(base);
        long number = numbered.matches() ? parseNumber(numbered.group(1))
                : manifest.matches() ? parseNumber(manifest.group(1)) : -1;
        byte[] head = readHead(p, (int) Math.min(size, 4096));
        if (size >= Footer.ENCODED_LENGTH && hasTableMagic(p, size)) {
            return new LevelDbFile(p, display, FileRole.TABLE, number, "table magic in footer");
        }
        if (base.equals("CURRENT")) {
            return new LevelDbFile(p, display, FileRole.CURRENT, -1, "name");
        }
        if (base.equals("LOCK") && size == 0) {
            return new LevelDbFile(p, display, FileRole.LOCK, -1, "name, empty");
        }
        if ((base.equals("LOG") || base.equals("LOG.old")) && !firstRecordVerifies(head)) {
            return new LevelDbFile(p, display, FileRole.INFO_LOG, -1, "name, text");
        }
        if (firstRecordVerifies(head)) {
            FileRole role = firstRecordIsVersionEdit(head) ? FileRole.MANIFEST : FileRole.LOG;
            return new LevelDbFile(p, display, role, number, "first log record verifies");
        }
        // The first record or the footer is damaged: look deeper before falling back on the name. Only for files
        // named like LevelDB files: probing every unrelated file of a large directory would cost a scan each.
        boolean leveldbName = numbered.matches() || manifest.matches() || CARVED_TABLE.matcher(base).matches();
        if (leveldbName && probeTable(p)) {
            return new LevelDbFile(p, display, FileRole.TABLE, number, "data blocks verify (footer damaged)");
        }
        if (leveldbName && probeLog(p)) {
            FileRole role = manifest.matches() ? FileRole.MANIFEST : FileRole.LOG;
            return new LevelDbFile(p, display, role, number, "later log records verify (start damaged)");
        }
        if (numbered.matches()) {
            FileRole role = numbered.group(2).equals("log") ? FileRole.LOG : FileRole.TABLE;
            return new LevelDbFile(p, display, role, number, "name only: content does not verify");
        }
        if (manifest.matches()) {
            return new LevelDbFile(p, display, FileRole.MANIFEST, number, "name only: content does not verify");
        }
        return new LevelDbFile(p, display, FileRole.OTHER, -1, "not recognised");
    }

    /** Largest file probed in depth when its footer or first record is damaged. */
    private static final long MAX_PROBE_BYTES = 64L << 20;

    /** True when a table scan of the file finds at least one data block whose trailer CRC verifies. */
    static boolean probeTable(Path p) throws IOException {
        if (Files.size(p) > MAX_PROBE_BYTES || Files.size(p) < 5) {
            return false;
        }
        try (ByteSource src = ByteSource.open(p)) {
            TableReader r = new TableReader(src, DamageSink.IGNORE, Limits.DEFAULT);
            for (DataBlockRef ref : r.dataBlocks()) {
                if (r.readDataBlock(ref).crcOk()) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True when the log reader finds at least one logical record whose CRC verifies. */
    static boolean probeLog(Path p) throws IOException {
        if (Files.size(p) > MAX_PROBE_BYTES) {
            return false;
        }
        try (ByteSource src = ByteSource.open(p)) {
            boolean[] found = {false};
            new LogReader(src, DamageSink.IGNORE, Limits.DEFAULT).read(rec -> found[0] |= rec.crcOk());
            return found[0];
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long parseNumber(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] readHead(Path p, int n) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(n);
        }
    }

    private static boolean hasTableMagic(Path p, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            ch.position(size - 8);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            return !b.hasRemaining() && ByteCursor.getFixed64(b.array(), 0) == Footer.TABLE_MAGIC;
        }
    }

    /** The first physical log record: masked CRC32C(4) length(2) type(1), type 1..4, CRC over type + payload. */
    static boolean firstRecordVerifies(byte[] head) {
        return LogRecordHeader.verifiedEnd(head, 0, head.length, false) >= 0;
    }

    /**
     * A version edit starts with a varint tag in 1..9 (comparator = 1 is what LevelDB writes first); a write batch
     * starts with an 8-byte sequence and a 4-byte count, and its 13th byte is a Put/Delete tag (0 or 1).
     */
    static boolean firstRecordIsVersionEdit(byte[] head) {
        int len = (head[4] & 0xff) | (head[5] & 0xff) << 8;
        if (len == 0) {
            return false;
        }
        int tag = head[7] & 0xff;
        if (tag == 1 && len > 1) {
            // comparator name: varint length then printable bytes, e.g. "leveldb.BytewiseComparator"
            int n = head[8] & 0xff;
            if (n > 0 && n < 128 && 9 + n <= 7 + len) {
                for (int i = 9; i < 9 + n; i++) {
                    if (head[i] < 0x20) {
                        return false;
                    }
                }
                return true;
            }
        }
        return len < 12 && tag >= 2 && tag <= 9;
    }

    private static String readCurrent(Path dir, List<LevelDbFile> files, List<String> notes) throws IOException {
        Path current = dir.resolve("CURRENT");
        if (!Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS)) {
            notes.add("CURRENT is missing: every MANIFEST, log and table in the directory is read");
            return null;
        }
        byte[] b = readHead(current, 4096);
        String s = new String(b, StandardCharsets.UTF_8).strip();
        if (!MANIFEST.matcher(s).matches()) {
            notes.add("CURRENT does not name a MANIFEST-<number> in this directory (holds \""
                    + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "\"): ignored");
            return null;
        }
        boolean present = files.stream().anyMatch(f -> f.path().getFileName().toString().equals(s));
        if (!present) {
            notes.add("CURRENT names " + s + ", which is missing: every MANIFEST in the directory is read");
            return null;
        }
        return s;
    }
}
