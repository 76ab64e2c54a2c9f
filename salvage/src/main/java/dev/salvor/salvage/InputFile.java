package dev.salvor.salvage;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
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
    /** The exact modification time before the run (null for a region of an image): a write during the run moves it. */
    private final FileTime modifiedBefore;
    private volatile String sha256Before;
    private long sizeAfter = -1;
    private String sha256After;
    private long mtimeAfter = -1;
    private FileTime modifiedAfter;

    private InputFile(SourceSet.Member member, Path path, String name, long size, FileTime modified, String sha) {
        this.member = member;
        this.path = path;
        this.name = name;
        this.sizeBefore = size;
        this.modifiedBefore = modified;
        this.mtimeBefore = modified == null ? -1 : modified.toMillis();
        this.sha256Before = sha;
    }

    /** Fingerprints {@code path} (size, mtime, SHA-256) before anything reads it. */
    public static InputFile fingerprint(Path path, String name) throws IOException {
        return fingerprint(path, name, n -> { });
    }

    /** As {@link #fingerprint(Path, String)}; {@code hashed} receives the size of every chunk hashed. */
    static InputFile fingerprint(Path path, String name, LongConsumer hashed) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new InputFile(null, path, name, a.size(), a.lastModifiedTime(), Sha256.ofFile(path, hashed));
    }

    /**
     * The size and modification time of a member of an input's set, taken before anything reads it, once it is
     * known to open read-only; its SHA-256 is taken by {@link #hashBefore} (on another thread, while the run reads).
     *
     * @throws IOException the file cannot be opened or its attributes read
     */
    static InputFile stat(SourceSet.Member member) throws IOException {
        if (member.path().isPresent()) {
            Path p = member.path().get();
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new InputFile(member, p, member.name(), a.size(), a.lastModifiedTime(), null);
            }
        }
        try (ByteSource s = member.open()) {
            return new InputFile(member, null, member.name(), s.size(), null, null);
        }
    }

    /**
     * Takes the before-SHA-256 of a file made by {@link #stat}: the bytes as the run reads them (the run opens its
     * inputs read-only and maps them; a write while the run reads moves the modification time or size, or changes
     * the after-hash, and {@link #changedDuringRun()} then says so). {@code hashed} receives every chunk's size.
     */
    void hashBefore(LongConsumer hashed) throws IOException {
        if (path != null) {
            sha256Before = Sha256.ofFile(path, hashed);
            return;
        }
        try (ByteSource s = member.open()) {
            sha256Before = Sha256.of(s, hashed);
        }
    }

    /** The member of an input's set this file is (null when fingerprinted by path alone). */
    SourceSet.Member member() {
        return member;
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
            return new InputFile(member, null, member.name(), s.size(), null, Sha256.of(s, hashed));
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
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        sizeAfter = a.size();
        modifiedAfter = a.lastModifiedTime();
        mtimeAfter = modifiedAfter.toMillis();
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
        modifiedAfter = a.lastModifiedTime();
        mtimeAfter = modifiedAfter.toMillis();
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

    /**
     * True when the after-fingerprint was taken and differs from the before-fingerprint: another size, another
     * modification time (a file on disk), or, after a rehash, another SHA-256. The modification time counts even when
     * both hashes agree: the before-hash is taken while the run reads, so a write during the run may be in both.
     */
    public boolean changedDuringRun() {
        if (sizeAfter < 0) {
            return false;
        }
        boolean moved = modifiedBefore != null && modifiedAfter != null && !modifiedBefore.equals(modifiedAfter);
        if (sha256After != null) {
            return sizeAfter != sizeBefore || moved || !sha256After.equals(sha256Before);
        }
        return sizeAfter != sizeBefore || moved;
    }

    /** The modification time after the run in milliseconds, or -1 when not taken or not a file on disk. */
    public long mtimeAfterMillis() {
        return mtimeAfter;
    }
}
