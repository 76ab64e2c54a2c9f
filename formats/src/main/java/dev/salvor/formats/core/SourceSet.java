package dev.salvor.formats.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The files one engine reads as one input: the files of a database directory, a single file, or regions carved out of
 * a raw image. Engines take a set, never a path, so the same code reads a directory on disk and artifacts inside an
 * image (no temporary copies). Each member is a named, read-only {@link ByteSource} opened on demand; a member
 * carved out of an image knows where its bytes lie in the image ({@link Member#imageOffset}).
 *
 * <p>Names: a directory's members are named relative to it ({@code 000005.ldb}); a single file is named as the user
 * gave it. The set's own {@link #name()} is the input as given. Listing follows no symbolic link and reads no
 * content.
 */
public interface SourceSet {

    /** The input as the user named it (a directory, a file, or an image region's description). */
    String name();

    /** True when the members are the files of a directory (names relative to it). */
    boolean isDirectory();

    /** Every member, in name order. */
    List<Member> members();

    /** Observations made while listing (symbolic links not followed, too many entries). */
    List<String> notes();

    /** The member named {@code name}, if any. */
    default Optional<Member> member(String name) {
        return members().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * This set without the members {@code left} refuses (e.g. files that cannot be read): same name, kind and notes,
     * plus {@code note} when a member was left out.
     */
    default SourceSet without(java.util.function.Predicate<Member> left, String note) {
        List<Member> kept = members().stream().filter(left.negate()).toList();
        if (kept.size() == members().size()) {
            return this;
        }
        List<String> n = new ArrayList<>(notes());
        n.add(note);
        return new Listed(name(), isDirectory(), kept, n);
    }

    /** One file of the set. */
    interface Member {
        /** Display name: relative to the directory, or the file as given; used in every record and damage. */
        String name();

        /** Size in bytes, known without reading. */
        long size();

        /** Opens the bytes read-only; the caller closes the source. Damage and records name it {@link #name()}. */
        ByteSource open() throws IOException;

        /**
         * Where byte {@code offset} of this member lies in the raw image it was carved from, or -1 when the member is
         * a file of its own (or the offset is not inside a carved piece).
         */
        default long imageOffset(long offset) {
            return -1;
        }

        /**
         * True when no byte of the member is evidence: a stand-in the caller assembled so that an engine can read the
         * members beside it (the one-page database a WAL found alone in an image is read against). It is neither
         * fingerprinted nor reported; what an engine finds wrong with it is not damage of the evidence.
         */
        default boolean isStandIn() {
            return false;
        }

        /** The file on disk, when the member is one (for fingerprints and messages); empty for carved regions. */
        default Optional<Path> path() {
            return Optional.empty();
        }
    }

    /** Most directory entries listed; past it the rest is left out with a note. */
    int MAX_MEMBERS = 1_000_000;

    /**
     * The regular files of {@code dir} (symbolic links, sub-directories and special files are left out; a symbolic
     * link gets a note), or the single file {@code path} named as given.
     */
    static SourceSet of(Path path) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Listed(path.toString(), false, List.of(new FileMember(path, path.toString(),
                    Files.size(path))), List.of());
        }
        List<Path> entries = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
            for (Path p : ds) {
                if (entries.size() >= MAX_MEMBERS) {
                    notes.add("more than " + MAX_MEMBERS + " entries in " + path + ": the rest were not read");
                    break;
                }
                entries.add(p);
            }
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
        List<Member> members = new ArrayList<>();
        for (Path p : entries) {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isSymbolicLink(p)) {
                    notes.add(p.getFileName() + " is a symbolic link: not followed");
                }
                continue;
            }
            members.add(new FileMember(p, p.getFileName().toString(), Files.size(p)));
        }
        return new Listed(path.toString(), true, members, notes);
    }

    /** A set of members built by the caller (e.g. regions of an image), named {@code name}. */
    static SourceSet of(String name, boolean directory, List<Member> members) {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::name));
        return new Listed(name, directory, sorted, List.of());
    }

    /** A member that is a file on disk, opened memory-mapped and read-only. */
    record FileMember(Path file, String name, long size) implements Member {
        @Override
        public ByteSource open() throws IOException {
            return ByteSource.open(file, name);
        }

        @Override
        public Optional<Path> path() {
            return Optional.of(file);
        }
    }

    /** The plain implementation. */
    record Listed(String name, boolean isDirectory, List<Member> members, List<String> notes) implements SourceSet {
        public Listed {
            members = List.copyOf(members);
            notes = List.copyOf(notes);
        }
    }
}
