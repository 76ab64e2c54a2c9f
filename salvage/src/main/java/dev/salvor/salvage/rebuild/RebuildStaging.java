package dev.salvor.salvage.rebuild;

import dev.salvor.salvage.OutputException;
import dev.salvor.salvage.OutputTarget;
import dev.salvor.salvage.Sha256;
import dev.salvor.salvage.report.OutputFile;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where {@code salvor rebuild} writes before anything is given its name: a hidden directory beside OUTPUT
 * ({@code .OUTPUT.salvor-staging-…}) holding the new database and its side-car {@code OUTPUT.salvor/}
 * ({@code left-out.jsonl}, {@code report.json}). {@link #commit} fsyncs everything, renames the side-car into place,
 * then the database last: a run killed at any point leaves no OUTPUT (at most a hidden staging directory, or the
 * side-car alone). Closing without commit deletes the staging directory.
 */
public final class RebuildStaging implements AutoCloseable {
    /** The side-car directory's suffix: OUTPUT → OUTPUT.salvor. */
    public static final String SIDECAR = ".salvor";

    private final Path output;
    private final Path sidecarFinal;
    private final Path dir;
    private final Path database;
    private final Path sidecar;
    private final OutputStream leftOut;
    private boolean committed;

    private RebuildStaging(Path output, Path dir) throws IOException {
        this.output = output;
        this.sidecarFinal = output.resolveSibling(output.getFileName() + SIDECAR);
        this.dir = dir;
        this.database = dir.resolve(output.getFileName().toString());
        this.sidecar = dir.resolve(output.getFileName() + SIDECAR);
        Files.createDirectory(sidecar);
        this.leftOut = new BufferedOutputStream(Files.newOutputStream(sidecar.resolve("left-out.jsonl"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16);
    }

    /**
     * Opens the staging directory for {@code output}.
     *
     * @param inputs every input of the run: OUTPUT may be none of them, nor inside one
     * @throws OutputTarget.Refused OUTPUT or OUTPUT.salvor exists, or OUTPUT is (inside) an input
     * @throws OutputException      the staging directory cannot be created beside OUTPUT
     */
    public static RebuildStaging open(Path output, Collection<Path> inputs) throws IOException {
        Path abs = output.toAbsolutePath().normalize();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutputTarget.Refused("refusing to write " + output + ": it exists (rebuild never replaces"
                    + " anything: give a new name)");
        }
        Path sidecar = abs.resolveSibling(abs.getFileName() + SIDECAR);
        if (Files.exists(sidecar, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutputTarget.Refused("refusing to write " + output + ": " + sidecar + " exists (left by an"
                    + " earlier rebuild: give a new name)");
        }
        try {
            dev.salvor.salvage.AtomicOutput.refuseInputs(output, inputs);
        } catch (IllegalArgumentException e) {
            throw new OutputTarget.Refused(e.getMessage());
        }
        try {
            Files.createDirectories(abs.getParent());
            Path dir = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".salvor-staging-");
            return new RebuildStaging(abs, dir);
        } catch (IOException e) {
            throw new OutputException(output, e);
        }
    }

    /** Where the rebuilder creates the new database (file or directory). */
    public Path database() {
        return database;
    }

    /** The JSON Lines of everything left out ({@code OUTPUT.salvor/left-out.jsonl}). */
    public OutputStream leftOut() {
        return leftOut;
    }

    /** True when the rebuilder created the database. */
    public boolean databaseWritten() {
        return Files.exists(database, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Writes {@code report} as {@code OUTPUT.salvor/report.json}, fsyncs, and renames the side-car then the database
     * into place.
     *
     * @return every file written (the database's, then left-out.jsonl and report.json) with size and SHA-256, named
     *         where they now are
     */
    public List<OutputFile> commit(byte[] report) throws IOException {
        try {
            leftOut.close();
            Files.write(sidecar.resolve("report.json"), report, StandardOpenOption.CREATE_NEW);
            List<OutputFile> files = new ArrayList<>();
            describe(database, output, "database", files);
            describe(sidecar, sidecarFinal, "left-out", files);
            fsyncTree(dir);
            move(sidecar, sidecarFinal);
            move(database, output); // last: OUTPUT exists only once everything is in place
            Files.deleteIfExists(dir);
            fsync(output.getParent());
            committed = true;
            return files;
        } catch (IOException e) {
            throw e instanceof OutputException ? e : new OutputException(output, e);
        }
    }

    /** Size and SHA-256 of every regular file under {@code from}, named as they will be under {@code to}. */
    private static void describe(Path from, Path to, String role, List<OutputFile> out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(from)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String name = from.equals(f) ? to.toString() : to.resolve(from.relativize(f)).toString();
            String r = f.getFileName().toString().equals("report.json") ? "report" : role;
            out.add(new OutputFile(r, name, Files.size(f), Sha256.ofFile(f)));
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void fsyncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p)) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            } else {
                fsync(p);
            }
        }
    }

    private static void fsync(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems refuse to open a directory for fsync; the renames are still atomic
        }
    }

    /** Deletes the staging directory unless committed. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        try {
            leftOut.close();
        } catch (IOException ignored) {
            // deleted below anyway
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
