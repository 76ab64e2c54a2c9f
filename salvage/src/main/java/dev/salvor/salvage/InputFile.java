package dev.salvor.salvage;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.LongConsumer;

/**
 * One input file with its fingerprint taken before reading and, once {@link #finish()} is called, after reading.
 * Reports carry both, so anyone can prove what was read and whether it changed during the run. A file is a member of
 * an input's {@link SourceSet}: a file on disk, or a region carved out of a raw image (hashed through its bytes; it
 * has no modification time of its own, so the cheaper after-check compares its size only).
 */
public final class InputFile {
    private final SourceSet.Member member;
    private final Path path;
    private final String name;
    private final long sizeBefore;
    private final long mtimeBefore;
    private final String sha256Before;
    private long sizeAfter = -1;
    private String sha256After;
    private long mtimeAfter = -1;

    private InputFile(SourceSet.Member member, Path path, String name, long size, long mtime, String sha) {
        this.member = member;
        this.path = path;
        this.name = name;
        this.sizeBefore = size;
        this.mtimeBefore = mtime;
        this.sha256Before = sha;
    }

    /** Fingerprints {@code path} (size, mtime, SHA-256) before anything reads it. */
    public static InputFile fingerprint(Path path, String name) throws IOException {
        return fingerprint(path, name, n -> { });
    }

    /** As {@link #fingerprint(Path, String)}; {@code hashed} receives the size of every chunk hashed. */
    static InputFile fingerprint(Path path, String name, LongConsumer hashed) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new InputFile(null, path, name, a.size(), a.lastModifiedTime().toMillis(), Sha256.ofFile(path, hashed));
    }

    /** Fingerprints a member of an input's set: its file on disk when it is one, else its bytes as opened. */
    public static InputFile fingerprint(SourceSet.Member member) throws IOException {
        return fingerprint(member, n -> { });
    }

    /** As {@link #fingerprint(SourceSet.Member)}; {@code hashed} receives the size of every chunk hashed. */
    static InputFile fingerprint(SourceSet.Member member, LongConsumer hashed) throws IOException {
        if (member.path().isPresent()) {
            return fingerprint(member.path().get(), member.name(), hashed);
        }
        try (ByteSource s = member.open()) {
            return new InputFile(member, null, member.name(), s.size(), -1, Sha256.of(s, hashed));
        }
    }

    /** Fingerprints again after reading. */
    public void finish() throws IOException {
        finish(n -> { });
    }

    /** As {@link #finish()}; {@code hashed} receives the size of every chunk hashed. */
    void finish(LongConsumer hashed) throws IOException {
        if (path == null) {
            try (ByteSource s = member.open()) {
                sizeAfter = s.size();
                sha256After = Sha256.of(s, hashed);
            }
            return;
        }
        sizeAfter = Files.size(path);
        sha256After = Sha256.ofFile(path, hashed);
    }

    /**
     * Cheaper after-check (no second SHA-256): size and modification time only. {@link #sha256After()} stays null
     * and {@link #changedDuringRun()} compares size and mtime.
     */
    public void finishWithoutRehash() throws IOException {
        if (path == null) {
            sizeAfter = member.size();
            mtimeAfter = mtimeBefore;
            return;
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        sizeAfter = a.size();
        mtimeAfter = a.lastModifiedTime().toMillis();
    }

    /** The file on disk, or {@code null} for a region of an image. */
    public Path path() {
        return path;
    }

    /** The display name used as {@code file} in records and damage. */
    public String name() {
        return name;
    }

    public long size() {
        return sizeBefore;
    }

    public long mtimeMillis() {
        return mtimeBefore;
    }

    public String sha256() {
        return sha256Before;
    }

    public String sha256After() {
        return sha256After;
    }

    public long sizeAfter() {
        return sizeAfter;
    }

    /** True when the after-fingerprint was taken and differs from the before-fingerprint. */
    public boolean changedDuringRun() {
        if (sha256After != null) {
            return sizeAfter != sizeBefore || !sha256After.equals(sha256Before);
        }
        return mtimeAfter >= 0 && (sizeAfter != sizeBefore || mtimeAfter != mtimeBefore);
    }
}
