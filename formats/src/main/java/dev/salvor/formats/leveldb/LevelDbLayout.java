package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the files of a LevelDB database among the members of a {@link SourceSet} and decides what each one is, by
 * content first:
 * <ul>
 *   <li>table: the last 8 bytes are the table magic {@code 0xdb4775248b80fb57};</li>
 *   <li>log or MANIFEST: the first physical record header's CRC verifies; a first record that decodes as a version
 *       edit (tag 1 comparator, tag 2 log number, ...) makes it a MANIFEST, else a write-ahead log;</li>
 *   <li>only when the content proves nothing (zeroed footer, damaged first record) does the name decide
 *       ({@code NNN.ldb}/{@code .sst}, {@code NNN.log}, {@code MANIFEST-NNN}).</li>
 * </ul>
 * Each member is read through its {@link ByteSource} in bounded reads: its first 4 KiB and its last 8 bytes; only a
 * file named like a LevelDB file whose head and footer both fail is probed deeper (up to 64 MiB). CURRENT is read
 * (at most 4 KiB) but never trusted blindly: it must name {@code MANIFEST-[0-9]+} present in the same directory.
 */
public final class LevelDbLayout {
    private static final Pattern NUMBERED = Pattern.compile("(\\d+)\\.(log|ldb|sst)");
    private static final Pattern MANIFEST = Pattern.compile("MANIFEST-(\\d+)");
    /** A table carved out of an image ({@code salvor carve}: image offset in 16 hex digits), e.g. a footerless run. */
    private static final Pattern CARVED_TABLE = Pattern.compile("[0-9a-f]{16}\\.ldb");
    /** Bytes read from the start of each member to test its first log record. */
    private static final int HEAD_BYTES = 4096;

    private final SourceSet sources;
    private final List<LevelDbFile> files;
    private final List<String> notes;
    private final String currentManifest;
    private final List<Damage> damages;

    private LevelDbLayout(SourceSet sources, List<LevelDbFile> files, List<String> notes, String currentManifest,
                          List<Damage> damages) {
        this.sources = sources;
        this.files = files;
        this.notes = notes;
        this.currentManifest = currentManifest;
        this.damages = damages;
    }

    /**
     * Classifies every member of {@code sources}. For a directory, CURRENT is also read and checked, and a
     * directory holding logs or tables without a usable CURRENT gets a {@link DamageKind#MISSING_FILE} damage.
     */
    public static LevelDbLayout of(SourceSet sources) throws IOException {
        List<LevelDbFile> files = new ArrayList<>();
        List<String> notes = new ArrayList<>(sources.notes());
        String current = null;
        List<Damage> damages = new ArrayList<>();
        for (SourceSet.Member m : sources.members()) {
            files.add(classify(m));
        }
        if (sources.isDirectory()) {
            current = readCurrent(sources, files, notes);
            boolean holdsData = files.stream().anyMatch(f -> f.role() == FileRole.LOG || f.role() == FileRole.TABLE);
            if (current == null && holdsData) {
                // LevelDB cannot open a database without a valid CURRENT naming an existing MANIFEST.
                damages.add(new Damage("CURRENT", -1, 0, DamageKind.MISSING_FILE, "CURRENT naming an existing"
                        + " MANIFEST-<number>", files.stream().anyMatch(f -> f.role() == FileRole.CURRENT)
                        ? "unusable CURRENT" : "no CURRENT", "the database cannot be opened by LevelDB (deleted or"
                        + " damaged CURRENT/MANIFEST); every log and table was read instead"));
            }
        }
        return new LevelDbLayout(sources, files, notes, current, damages);
    }

    /** The members classified. */
    public SourceSet sources() {
        return sources;
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

    /** True when {@code file} is the MANIFEST a valid CURRENT names. */
    public boolean isCurrentManifest(LevelDbFile file) {
        return file.fileName().equals(currentManifest);
    }

    /** True when at least one file's content proves it holds LevelDB data (a name alone is not enough). */
    public boolean looksLikeLevelDb() {
        return files.stream().anyMatch(f -> f.role().holdsData() && f.how().byContent());
    }

    /** How many files have each role, in role order. */
    public EnumMap<FileRole, Long> roleCounts() {
        EnumMap<FileRole, Long> m = new EnumMap<>(FileRole.class);
        files.forEach(f -> m.merge(f.role(), 1L, Long::sum));
        return m;
    }

    static LevelDbFile classify(SourceSet.Member m) throws IOException {
        String base = fileName(m);
        long size = m.size();
        Matcher numbered = NUMBERED.matcher(base);
        Matcher manifest = MANIFEST.matcher(base);
        long number = numbered.matches() ? parseNumber(numbered.group(1))
                : manifest.matches() ? parseNumber(manifest.group(1)) : -1;
        byte[] head;
        boolean tableMagic;
        try (ByteSource src = m.open()) {
            head = src.read(0, (int) Math.min(size, HEAD_BYTES));
            tableMagic = size >= Footer.ENCODED_LENGTH
                    && ByteCursor.getFixed64(src.read(size - 8, 8), 0) == Footer.TABLE_MAGIC;
        }
        if (tableMagic) {
            return new LevelDbFile(m, base, FileRole.TABLE, number, Recognition.TABLE_MAGIC);
        }
        if (base.equals("CURRENT")) {
            return new LevelDbFile(m, base, FileRole.CURRENT, -1, Recognition.NAME);
        }
        if (base.equals("LOCK") && size == 0) {
            return new LevelDbFile(m, base, FileRole.LOCK, -1, Recognition.NAME_EMPTY);
        }
        boolean firstRecord = firstRecordVerifies(head);
        if ((base.equals("LOG") || base.equals("LOG.old")) && !firstRecord) {
            return new LevelDbFile(m, base, FileRole.INFO_LOG, -1, Recognition.NAME_TEXT);
        }
        if (firstRecord) {
            FileRole role = firstRecordIsVersionEdit(head) ? FileRole.MANIFEST : FileRole.LOG;
            return new LevelDbFile(m, base, role, number, Recognition.FIRST_RECORD);
        }
        // The first record or the footer is damaged: look deeper before falling back on the name. Only for files
        // named like LevelDB files: probing every unrelated file of a large directory would cost a scan each.
        boolean leveldbName = numbered.matches() || manifest.matches() || CARVED_TABLE.matcher(base).matches();
        if (leveldbName && probeTable(m)) {
            return new LevelDbFile(m, base, FileRole.TABLE, number, Recognition.DATA_BLOCKS);
        }
        if (leveldbName && probeLog(m)) {
            FileRole role = manifest.matches() ? FileRole.MANIFEST : FileRole.LOG;
            return new LevelDbFile(m, base, role, number, Recognition.LATER_RECORDS);
        }
        if (numbered.matches()) {
            FileRole role = numbered.group(2).equals("log") ? FileRole.LOG : FileRole.TABLE;
            return new LevelDbFile(m, base, role, number, Recognition.NAME_ONLY);
        }
        if (manifest.matches()) {
            return new LevelDbFile(m, base, FileRole.MANIFEST, number, Recognition.NAME_ONLY);
        }
        return new LevelDbFile(m, base, FileRole.OTHER, -1, Recognition.NOT_RECOGNISED);
    }

    /** The last component of a member's name: the name LevelDB's naming rules apply to. */
    private static String fileName(SourceSet.Member m) {
        return m.path().map(p -> p.getFileName().toString()).orElseGet(() -> {
            String n = m.name();
            return n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        });
    }

    /** Largest file probed in depth when its footer or first record is damaged. */
    private static final long MAX_PROBE_BYTES = 64L << 20;

    /** True when a table scan of the file finds at least one data block whose trailer CRC verifies. */
    static boolean probeTable(SourceSet.Member m) throws IOException {
        if (m.size() > MAX_PROBE_BYTES || m.size() < 5) {
            return false;
        }
        try (ByteSource src = m.open()) {
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
    static boolean probeLog(SourceSet.Member m) throws IOException {
        if (m.size() > MAX_PROBE_BYTES) {
            return false;
        }
        try (ByteSource src = m.open()) {
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

    private static String readCurrent(SourceSet dir, List<LevelDbFile> files, List<String> notes)
            throws IOException {
        Optional<SourceSet.Member> current = dir.member("CURRENT");
        if (current.isEmpty()) {
            notes.add("CURRENT is missing: every MANIFEST, log and table in the directory is read");
            return null;
        }
        byte[] b;
        try (ByteSource src = current.get().open()) {
            b = src.read(0, (int) Math.min(src.size(), HEAD_BYTES));
        }
        String s = new String(b, StandardCharsets.UTF_8).strip();
        if (!MANIFEST.matcher(s).matches()) {
            notes.add("CURRENT does not name a MANIFEST-<number> in this directory (holds \""
                    + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "\"): ignored");
            return null;
        }
        boolean present = files.stream().anyMatch(f -> f.fileName().equals(s));
        if (!present) {
            notes.add("CURRENT names " + s + ", which is missing: every MANIFEST in the directory is read");
            return null;
        }
        return s;
    }
}
