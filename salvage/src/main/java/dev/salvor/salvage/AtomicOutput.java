package dev.salvor.salvage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * An output file written atomically: bytes go to a temporary file in the same directory, which is fsynced and
 * renamed over the target only on {@link #commit()}. Closing without commit deletes the temporary file, so a crash
 * or an error never leaves a half-written output under the target's name. Refuses targets that are inputs.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream out;
    private boolean committed;

    private AtomicOutput(Path target, Path temp) throws IOException {
        this.target = target;
        this.temp = temp;
        this.out = new BufferedOutputStream(Files.newOutputStream(temp, StandardOpenOption.WRITE), 1 << 16);
    }

    /**
     * Opens a temporary file beside {@code target}.
     *
     * @param inputs every input of the run; the target may not be one of them, nor lie inside an input directory
     * @throws IllegalArgumentException if the target is an input or inside one
     */
    public static AtomicOutput open(Path target, Collection<Path> inputs) throws IOException {
        refuseInputs(target, inputs);
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        return new AtomicOutput(abs, temp);
    }

    /**
     * Refuses {@code target} when it is one of {@code inputs}, lies inside an input directory, or is the same file
     * as an input under another name: the one rule every output of salvor follows.
     *
     * @throws IllegalArgumentException naming the input
     */
    public static void refuseInputs(Path target, Collection<Path> inputs) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        for (Path in : inputs) {
            Path a = in.toAbsolutePath().normalize();
            if (abs.equals(a) || abs.startsWith(a) || (Files.exists(abs) && Files.exists(a) && Files.isSameFile(abs, a))) {
                throw new IllegalArgumentException("refusing to write " + target + ": it is (or is inside) the input "
                        + in + " (evidence is never overwritten)");
            }
        }
    }

    public OutputStream stream() {
        return out;
    }

    public Path target() {
        return target;
    }

    /** Flushes, fsyncs, renames into place and fsyncs the directory. */
    public void commit() throws IOException {
        out.close();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open a directory for fsync; the rename itself is still atomic.
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                out.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
