package dev.salvor.salvage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One input file with its fingerprint taken before reading and, once {@link #finish()} is called, after reading.
 * Reports carry both, so anyone can prove what was read and whether it changed during the run.
 */
public final class InputFile {
    private final Path path;
    private final String name;
    private final long sizeBefore;
    private final long mtimeBefore;
    private final String sha256Before;
    private long sizeAfter = -1;
    private String sha256After;
    private long mtimeAfter = -1;

    private InputFile(Path path, String name, long size, long mtime, String sha) {
        this.path = path;
        this.name = name;
        this.sizeBefore = size;
        this.mtimeBefore = mtime;
        this.sha256Before = sha;
    }

    /** Fingerprints {@code path} (size, mtime, SHA-256) before anything reads it. */
    public static InputFile fingerprint(Path path, String name) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new InputFile(path, name, a.size(), a.lastModifiedTime().toMillis(), Sha256.ofFile(path));
    }

    /** Fingerprints again after reading. */
    public void finish() throws IOException {
        sizeAfter = Files.size(path);
        sha256After = Sha256.ofFile(path);
    }

    /**
     * Cheaper after-check (no second SHA-256): size and modification time only. {@link #sha256After()} stays null
     * and {@link #changedDuringRun()} compares size and mtime.
     */
    public void finishWithoutRehash() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        sizeAfter = a.size();
        mtimeAfter = a.lastModifiedTime().toMillis();
    }

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
