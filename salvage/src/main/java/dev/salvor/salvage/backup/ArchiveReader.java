package dev.salvor.salvage.backup;

import dev.salvor.salvage.Sha256;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Reads a backup archive once, from its first byte to its last, and checks everything against the manifest inside
 * it — what {@code verify-backup} reports and what {@code restore} requires before (and while) it writes anything.
 *
 * <p>Layers, outside in: the file (hashed as read, for the archive's own SHA-256), one strict gzip member
 * ({@link GzipMember}: CRC-32, ISIZE, nothing after it), a ustar/PAX tar stream (Commons Compress; header checksums
 * verified, not lenient). Rules for the tar entries:
 * <ol>
 *   <li>the first entry is {@code manifest.json}, a regular file of at most {@link BackupManifest#MAX_BYTES}, parsed
 *       strictly ({@link BackupManifest#parse}); without it nothing else can be trusted and reading stops;</li>
 *   <li>every other entry is a regular file or a directory: symbolic and hard links, devices, FIFOs, sparse and
 *       other types are refused (never created, never followed);</li>
 *   <li>every name is safe ({@link EntryName}) and unique, also after case folding and NFC;</li>
 *   <li>every file is named in the manifest with the same size — checked on the header, before a byte of data is
 *       read, so a claimed size of terabytes is refused without reading it — and its content hashes to the manifest's
 *       SHA-256;</li>
 *   <li>every manifest file and directory is present (a tar cut exactly at an entry boundary looks clean: the
 *       manifest is what proves completeness);</li>
 *   <li>after the tar's end-of-archive marker only zero padding may follow, and the gzip member must end the file.</li>
 * </ol>
 * Problems are collected (not thrown) so {@code verify-backup} can list all of them; a structural problem (gzip or
 * tar unreadable) stops the reading and is listed too.
 */
public final class ArchiveReader {
    /** Problems listed per category before the rest are only counted. */
    public static final int MAX_LISTED = 1000;

    private ArchiveReader() {
    }

    /** Receives the verified content while the archive is read ({@code restore} writes it to its staging area). */
    public interface Sink {
        /**
         * A file named in the manifest with the right size starts. Bytes are written to the stream returned (null to
         * discard); {@link #endFile} tells whether they matched the manifest's SHA-256.
         */
        OutputStream beginFile(BackupManifest.FileEntry entry) throws IOException;

        /** The file's bytes ended; {@code verified} is false when the hash differed (the sink must not keep it). */
        void endFile(BackupManifest.FileEntry entry, OutputStream out, boolean verified) throws IOException;

        /** A directory entry named in the manifest. */
        default void directory(String name) throws IOException {
        }

        /** Called once the manifest is read, before any other entry. */
        default void manifest(BackupManifest manifest) throws IOException {
        }

        /** A sink that only verifies. */
        Sink VERIFY_ONLY = new Sink() {
            @Override
            public OutputStream beginFile(BackupManifest.FileEntry entry) {
                return null;
            }

            @Override
            public void endFile(BackupManifest.FileEntry entry, OutputStream out, boolean verified) {
            }
        };
    }

    /**
     * A file whose content or size differs from the manifest.
     *
     * @param path           the entry
     * @param expectedSize   manifest size
     * @param actualSize     size in the tar header
     * @param expectedSha256 manifest SHA-256
     * @param actualSha256   SHA-256 of the bytes read, or null when the size already differed (data not read)
     */
    public record Changed(String path, long expectedSize, long actualSize, String expectedSha256,
                          String actualSha256) {
        @Override
        public String toString() {
            return actualSha256 == null
                    ? EntryName.quote(path) + ": size: actual=" + actualSize + " vs expected=" + expectedSize
                    + " (content not read)"
                    : EntryName.quote(path) + ": sha256: actual=" + actualSha256 + " vs expected=" + expectedSha256;
        }
    }

    /**
     * An entry refused outright.
     *
     * @param entry  the raw entry name
     * @param index  0-based position in the tar
     * @param reason why
     */
    public record Refused(String entry, int index, String reason) {
        @Override
        public String toString() {
            return "entry #" + index + " " + EntryName.quote(entry) + ": " + reason;
        }
    }

    /** Everything one reading found. */
    public static final class Result {
        private final Path archive;
        private BackupManifest manifest;
        private byte[] manifestBytes;
        private long archiveSize;
        private String archiveSha256;
        private long entries;
        private long filesVerified;
        private long bytesVerified;
        private final List<String> missing = new ArrayList<>();
        private final List<String> extra = new ArrayList<>();
        private final List<Changed> changed = new ArrayList<>();
        private final List<Refused> refused = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private long problemsNotListed;
        private String besideManifest = "absent";
        /** Uncompressed bytes allowed, once the manifest is read (0: not yet known). */
        private long expansionLimit;

        Result(Path archive) {
            this.archive = archive;
        }

        public Path archive() {
            return archive;
        }

        /** The manifest inside the archive, or null when it could not be read. */
        public BackupManifest manifest() {
            return manifest;
        }

        /** Its exact bytes, or null. */
        public byte[] manifestBytes() {
            return manifestBytes == null ? null : manifestBytes.clone();
        }

        /** Compressed bytes read (the archive's length when the whole file was read). */
        public long archiveSize() {
            return archiveSize;
        }

        /** SHA-256 of the archive file, when it was read to the end. */
        public String archiveSha256() {
            return archiveSha256;
        }

        /** Tar entries read, the manifest included. */
        public long entries() {
            return entries;
        }

        public long filesVerified() {
            return filesVerified;
        }

        public long bytesVerified() {
            return bytesVerified;
        }

        /** Manifest files and directories absent from the archive. */
        public List<String> missing() {
            return missing;
        }

        /** Archive entries the manifest does not name. */
        public List<String> extra() {
            return extra;
        }

        public List<Changed> changed() {
            return changed;
        }

        public List<Refused> refused() {
            return refused;
        }

        /** Structural problems: gzip, tar, manifest. */
        public List<String> errors() {
            return errors;
        }

        /** Problems counted beyond {@link #MAX_LISTED} per list. */
        public long problemsNotListed() {
            return problemsNotListed;
        }

        /** {@code identical}, {@code differs}, {@code unreadable} or {@code absent}: the manifest file beside. */
        public String besideManifest() {
            return besideManifest;
        }

        /** True when every check passed (a differing manifest beside the archive also counts as a problem). */
        public boolean intact() {
            return manifest != null && missing.isEmpty() && extra.isEmpty() && changed.isEmpty() && refused.isEmpty()
                    && errors.isEmpty() && problemsNotListed == 0 && !besideManifest.equals("differs")
                    && !besideManifest.equals("unreadable");
        }

        /** The problems as one-line messages, structural first. */
        public List<String> problems() {
            List<String> p = new ArrayList<>(errors);
            if (besideManifest.equals("differs")) {
                p.add("the manifest beside the archive (" + besidePath(archive).getFileName() + ") differs from the"
                        + " one inside it: one of them was altered");
            } else if (besideManifest.equals("unreadable")) {
                p.add("the manifest beside the archive (" + besidePath(archive).getFileName() + ") cannot be read");
            }
            refused.forEach(r -> p.add("refused " + r));
            changed.forEach(c -> p.add("changed " + c));
            missing.forEach(m -> p.add("missing " + EntryName.quote(m) + ": in the manifest, not in the archive"));
            extra.forEach(e -> p.add("extra " + EntryName.quote(e) + ": in the archive, not in the manifest"));
            if (problemsNotListed > 0) {
                p.add(problemsNotListed + " more problem(s) not listed");
            }
            return p;
        }

        private <T> void add(List<T> list, T item) {
            if (list.size() < MAX_LISTED) {
                list.add(item);
            } else {
                problemsNotListed++;
            }
        }
    }

    /** The manifest file written beside an archive: {@code X.tar.gz} → {@code X.manifest.json}. */
    public static Path besidePath(Path archive) {
        String n = archive.getFileName().toString();
        String base = n.endsWith(".tar.gz") ? n.substring(0, n.length() - ".tar.gz".length())
                : n.endsWith(".tgz") ? n.substring(0, n.length() - 4) : n;
        return archive.resolveSibling(base + ".manifest.json");
    }

    /** Verifies {@code archive} without writing anything. */
    public static Result verify(Path archive, LongConsumer progress) throws IOException {
        return read(archive, Sink.VERIFY_ONLY, progress);
    }

    /**
     * Reads {@code archive} once, checking everything; verified content goes to {@code sink}.
     *
     * @param progress receives compressed bytes read so far
     * @throws BackupException ({@link BackupException.Kind#ARCHIVE_REFUSED}) when the file cannot be opened at all
     */
    public static Result read(Path archive, Sink sink, LongConsumer progress) throws IOException {
        Result r = new Result(archive);
        if (!Files.isRegularFile(archive)) {
            throw new BackupException(BackupException.Kind.ARCHIVE_REFUSED, "cannot read " + archive + ": "
                    + (Files.exists(archive, LinkOption.NOFOLLOW_LINKS) ? "not a regular file"
                    : "no such file or directory"));
        }
        MessageDigest fileDigest = Sha256.newDigest();
        InputStream raw;
        try {
            raw = Files.newInputStream(archive);
        } catch (IOException e) {
            throw new BackupException(BackupException.Kind.ARCHIVE_REFUSED, "cannot read " + archive + ": "
                    + SourceTree.reason(e), e);
        }
        HashingCounter counted = new HashingCounter(raw, fileDigest, progress);
        try (counted) {
            GzipMember gz;
            try {
                gz = new GzipMember(new BufferedInputStream(counted, 1 << 16), archive.getFileName().toString());
            } catch (IOException e) {
                r.errors.add(e.getMessage());
                return r;
            }
            try (gz) {
                TarHeaderGuard guarded = new TarHeaderGuard(new Expansion(gz, r));
                readTar(guarded, sink, r);
                if (r.errors.isEmpty()) {
                    drain(guarded, r);
                }
            } catch (IOException e) {
                r.errors.add(message(e));
            }
            if (gz.finished()) {
                r.archiveSha256 = Sha256.hex(fileDigest.digest());
            }
        } finally {
            r.archiveSize = counted.count;
        }
        compareBeside(r);
        return r;
    }

    private static void readTar(InputStream gz, Sink sink, Result r) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(gz, TarConstants.DEFAULT_BLKSIZE,
                TarConstants.DEFAULT_RCDSIZE, StandardCharsets.UTF_8.name(), false);
        TarArchiveEntry e = tar.getNextEntry();
        if (e == null) {
            r.errors.add("tar: actual=no entry vs expected=manifest.json first (empty or cut-short archive)");
            return;
        }
        r.entries++;
        if (!e.isCheckSumOK()) {
            r.errors.add("tar entry #0 header checksum: actual=mismatch vs expected=the sum of the header bytes"
                    + " (damaged header)");
            return;
        }
        if (!e.getName().equals(BackupManifest.ENTRY_NAME) || !isRegular(e)) {
            r.errors.add("tar entry #0: actual=" + EntryName.quote(e.getName()) + " (" + typeName(e) + ") vs expected="
                    + "'manifest.json', a regular file (not a salvor backup, or its start was altered)");
            return;
        }
        if (e.getSize() > BackupManifest.MAX_BYTES) {
            r.errors.add("manifest.json size: actual=" + e.getSize() + " vs expected=at most " + BackupManifest.MAX_BYTES
                    + " bytes (hostile archive)");
            return;
        }
        byte[] mbytes = tar.readNBytes((int) e.getSize());
        if (mbytes.length != e.getSize()) {
            r.errors.add("manifest.json: actual=" + mbytes.length + " bytes vs expected=" + e.getSize()
                    + " (archive truncated)");
            return;
        }
        BackupManifest m;
        try {
            m = BackupManifest.parse(mbytes, "manifest.json");
        } catch (BackupManifest.ManifestException ex) {
            r.errors.add(ex.getMessage());
            return;
        }
        r.manifest = m;
        r.manifestBytes = mbytes;
        r.expansionLimit = expansionLimit(m, mbytes.length);
        sink.manifest(m);
        Map<String, BackupManifest.FileEntry> files = m.filesByPath();
        Set<String> dirs = new HashSet<>(m.directories());
        for (BackupManifest.FileEntry f : m.files()) {
            // Parents of listed files are acceptable directory entries even when not listed themselves.
            String p = f.path();
            for (int i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
                dirs.add(p.substring(0, i));
            }
        }
        Map<String, String> seenFold = new HashMap<>();
        seenFold.put(EntryName.foldKey(BackupManifest.ENTRY_NAME), BackupManifest.ENTRY_NAME);
        Set<String> seenFiles = new HashSet<>();
        Set<String> seenDirs = new HashSet<>();
        byte[] buf = new byte[1 << 16];
        int index = 0;
        long maxEntries = 1L + m.files().size() + dirs.size() + MAX_LISTED;
        while ((e = tar.getNextEntry()) != null) {
            index++;
            r.entries++;
            if (r.entries > maxEntries) {
                // Every legitimate entry is in the manifest: past this many, the rest is only more of the same
                // problem, and remembering each name would cost unbounded memory.
                r.errors.add("tar: more than " + (maxEntries - 1) + " entries beyond the manifest's: stopped reading"
                        + " (hostile archive)");
                return;
            }
            String raw = e.getName();
            boolean dir = e.getLinkFlag() == TarConstants.LF_DIR;
            String name = dir && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
            if (!e.isCheckSumOK()) {
                // Commons Compress computes the header checksum but does not enforce it.
                r.add(r.refused, new Refused(raw, index, "tar header checksum mismatch (damaged header)"));
                continue;
            }
            String type = refusedType(e);
            if (type != null) {
                r.add(r.refused, new Refused(raw, index, type + ": only regular files and directories are restored"));
                continue;
            }
            String problem = EntryName.problem(name);
            if (problem != null) {
                r.add(r.refused, new Refused(raw, index, problem + " (hostile or damaged archive)"));
                continue;
            }
            String prev = seenFold.putIfAbsent(EntryName.foldKey(name), name);
            if (prev != null) {
                r.add(r.refused, new Refused(raw, index, prev.equals(name) ? "duplicate entry (a second copy would"
                        + " silently win)" : "duplicate of " + EntryName.quote(prev) + " after case folding or Unicode"
                        + " normalisation"));
                continue;
            }
            if (dir) {
                if (!dirs.contains(name)) {
                    r.add(r.extra, name + "/");
                    continue;
                }
                seenDirs.add(name);
                sink.directory(name);
                continue;
            }
            BackupManifest.FileEntry fe = files.get(name);
            if (fe == null) {
                r.add(r.extra, name);
                continue;
            }
            seenFiles.add(name);
            if (e.getSize() != fe.size()) {
                // Refused on the header alone: a claimed size of terabytes is never read.
                r.add(r.changed, new Changed(name, fe.size(), e.getSize(), fe.sha256(), null));
                continue;
            }
            MessageDigest md = Sha256.newDigest();
            OutputStream out = sink.beginFile(fe);
            long left = fe.size();
            boolean ok = false;
            try {
                while (left > 0) {
                    int n = tar.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("tar entry " + EntryName.quote(name) + ": actual=" + (fe.size() - left)
                                + " bytes vs expected=" + fe.size() + " (archive truncated)");
                    }
                    md.update(buf, 0, n);
                    if (out != null) {
                        out.write(buf, 0, n);
                    }
                    left -= n;
                }
                String sha = Sha256.hex(md.digest());
                ok = sha.equals(fe.sha256());
                if (ok) {
                    r.filesVerified++;
                    r.bytesVerified += fe.size();
                } else {
                    r.add(r.changed, new Changed(name, fe.size(), fe.size(), fe.sha256(), sha));
                }
            } finally {
                sink.endFile(fe, out, ok);
            }
        }
        for (BackupManifest.FileEntry f : m.files()) {
            if (!seenFiles.contains(f.path())) {
                r.add(r.missing, f.path());
            }
        }
        for (String d : m.directories()) {
            if (!seenDirs.contains(d)) {
                r.add(r.missing, d + "/");
            }
        }
    }

    /**
     * The most uncompressed bytes a tar of this manifest can hold: each file rounded up to 512-byte records, a
     * header with PAX records per entry, the end-of-archive block, and as many rogue entries as are listed before
     * reading stops. A gzip member that inflates past it is a decompression bomb and is not read further.
     */
    static long expansionLimit(BackupManifest m, int manifestBytes) {
        long perEntry = 512 + 512 + 4096; // header, PAX header, PAX records (long names, big sizes)
        long total = perEntry + manifestBytes + 512;
        for (BackupManifest.FileEntry f : m.files()) {
            total += perEntry + (f.size() + 511) / 512 * 512;
        }
        total += (long) (m.directories().size() + MAX_LISTED + 16) * perEntry;
        return total + 20 * 1024;
    }

    /** Counts uncompressed bytes and refuses to go past the manifest's limit once it is known. */
    private static final class Expansion extends FilterInputStream {
        private final Result r;
        private long count;

        Expansion(InputStream in, Result r) {
            super(in);
            this.r = r;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                // Before the manifest is read, only the manifest (and its headers) may come.
                long limit = r.expansionLimit > 0 ? r.expansionLimit : BackupManifest.MAX_BYTES + (2L << 20);
                if (count > limit) {
                    throw new IOException("gzip content: actual=more than " + limit + " bytes vs expected=at most"
                            + " what the manifest's files need (decompression bomb or unlisted data)");
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] b = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            int k = read(b, 0, b.length);
            return Math.max(k, 0);
        }
    }

    /**
     * After the tar's end-of-archive marker (two zero records, padded to a 10 KiB block) only zeros may remain
     * before the gzip member ends; reading to the end also makes {@link GzipMember} check its CRC, ISIZE and the
     * end of the file.
     */
    private static void drain(InputStream gz, Result r) throws IOException {
        byte[] buf = new byte[1 << 16];
        long nonZero = 0;
        int n;
        while ((n = gz.read(buf, 0, buf.length)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    nonZero++;
                }
            }
        }
        if (nonZero > 0) {
            r.errors.add("after the tar end-of-archive marker: actual=" + nonZero + " non-zero byte(s) vs expected="
                    + "zero padding only (data appended inside the compressed stream)");
        }
    }

    private static void compareBeside(Result r) {
        Path beside = besidePath(r.archive);
        if (!Files.isRegularFile(beside) || r.manifestBytes == null) {
            r.besideManifest = Files.exists(beside, LinkOption.NOFOLLOW_LINKS) && r.manifestBytes != null
                    ? "unreadable" : "absent";
            return;
        }
        try {
            if (Files.size(beside) > BackupManifest.MAX_BYTES) {
                r.besideManifest = "differs";
                return;
            }
            r.besideManifest = java.util.Arrays.equals(Files.readAllBytes(beside), r.manifestBytes) ? "identical"
                    : "differs";
        } catch (IOException e) {
            r.besideManifest = "unreadable";
        }
    }

    private static boolean isRegular(TarArchiveEntry e) {
        return refusedType(e) == null && e.getLinkFlag() != TarConstants.LF_DIR;
    }

    /** Null for a plain regular file or directory; otherwise what the entry is. */
    private static String refusedType(TarArchiveEntry e) {
        byte f = e.getLinkFlag();
        if (e.isSparse()) {
            return "sparse file";
        }
        if (f == TarConstants.LF_NORMAL || f == TarConstants.LF_OLDNORM) {
            if (e.getName().endsWith("/")) {
                return "regular file with a directory name";
            }
            if (!e.getLinkName().isEmpty()) {
                return "regular file carrying a link target " + EntryName.quote(e.getLinkName());
            }
            return null;
        }
        if (f == TarConstants.LF_DIR) {
            return e.getSize() != 0 ? "directory with " + e.getSize() + " bytes of data" : null;
        }
        return typeName(e);
    }

    private static String typeName(TarArchiveEntry e) {
        byte f = e.getLinkFlag();
        return switch (f) {
            case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM -> "regular file";
            case TarConstants.LF_DIR -> "directory";
            case TarConstants.LF_SYMLINK -> "symbolic link to " + EntryName.quote(e.getLinkName());
            case TarConstants.LF_LINK -> "hard link to " + EntryName.quote(e.getLinkName());
            case TarConstants.LF_CHR -> "character device";
            case TarConstants.LF_BLK -> "block device";
            case TarConstants.LF_FIFO -> "FIFO";
            case TarConstants.LF_CONTIG -> "contiguous file";
            default -> "entry of type '" + (f >= 0x20 && f < 0x7f ? String.valueOf((char) f)
                    : String.format("0x%02x", f)) + "'";
        };
    }

    private static String message(IOException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        if ((e instanceof java.io.EOFException || m.toLowerCase(java.util.Locale.ROOT).contains("truncated"))
                && !m.contains("truncated")) {
            m = "archive truncated: " + m;
        }
        if (!m.contains("gzip") && !m.contains("deflate") && !m.startsWith("tar")) {
            m = "tar: " + m;
        }
        return m;
    }

    /** Counts and hashes the raw file bytes as they are read, and reports progress. */
    private static final class HashingCounter extends FilterInputStream {
        private final MessageDigest md;
        private final LongConsumer progress;
        long count;

        HashingCounter(InputStream in, MessageDigest md, LongConsumer progress) {
            super(in);
            this.md = md;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            if (c >= 0) {
                md.update((byte) c);
                count++;
                progress.accept(count);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
                count += n;
                progress.accept(count);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Never skip unhashed: read instead.
            byte[] b = new byte[(int) Math.min(n, 8192)];
            int r = read(b, 0, b.length);
            return Math.max(r, 0);
        }
    }
}
