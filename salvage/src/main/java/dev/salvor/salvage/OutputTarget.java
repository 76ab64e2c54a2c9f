package dev.salvor.salvage;

import dev.salvor.salvage.report.OutputFile;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Where one output of a run goes, chosen so that nothing is lost and nothing is replaced by surprise:
 * <ul>
 *   <li>{@code -}, {@code /dev/stdout} (and {@code /dev/fd/1}, {@code /proc/self/fd/1}): the process's stdout, as a
 *       stream (never renamed over: the symbolic link {@code /dev/stdout} stays what it is);</li>
 *   <li>an existing special file (a FIFO, a character device such as {@code /dev/null}): opened and written as a
 *       stream;</li>
 *   <li>a regular file: written atomically (a hidden temporary file beside it, fsynced and renamed into place on
 *       {@link #commit()}); an existing file is replaced only with {@code force}, and never when it is an input or
 *       inside one.</li>
 * </ul>
 * Every byte is counted and hashed as written, so the report can give the output's size and SHA-256 even for a
 * stream. An error writing is an {@link OutputException} naming the output as the user gave it.
 */
public final class OutputTarget implements AutoCloseable {
    private static final List<String> STDOUT_NAMES = List.of("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1");

    private final String role;
    private final Path given;
    private final AtomicOutput atomic;
    private final OutputStream sink;
    private final Hashing stream;
    private final PrintStream stdout;
    private boolean done;

    private OutputTarget(String role, Path given, AtomicOutput atomic, OutputStream sink, PrintStream stdout) {
        this.role = role;
        this.given = given;
        this.atomic = atomic;
        this.sink = sink;
        this.stdout = stdout;
        this.stream = new Hashing(sink, given);
    }

    /** The output is refused before anything is written (a usage error: same as an input, exists, ...). */
    public static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    /** True when {@code p} names the process's stdout. */
    public static boolean isStdout(Path p) {
        return STDOUT_NAMES.contains(p.toString());
    }

    /**
     * Refuses two outputs of one run that are the same file ({@code -o same.jsonl --report same.jsonl}): one would
     * silently replace the other.
     *
     * @param outputs each output's option name and path (null when not given)
     */
    public static void requireDistinct(Map<String, Path> outputs) {
        List<Map.Entry<String, Path>> given = outputs.entrySet().stream().filter(e -> e.getValue() != null).toList();
        for (int i = 0; i < given.size(); i++) {
            for (int j = i + 1; j < given.size(); j++) {
                Path a = given.get(i).getValue();
                Path b = given.get(j).getValue();
                boolean same = isStdout(a) && isStdout(b) || sameTarget(a, b);
                if (same) {
                    throw new Refused(given.get(i).getKey() + " and " + given.get(j).getKey() + " name the same file "
                            + a + ": one would replace the other; give each its own file");
                }
            }
        }
    }

    private static boolean sameTarget(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens {@code target} for the output {@code role} (see the class comment).
     *
     * @param inputs every input of the run: the target may be none of them, nor inside one
     * @param force  true to replace an existing regular file
     * @param stdout the process's stdout, for {@code -}
     * @throws Refused        the target is an input, exists without {@code force}, or is a directory
     * @throws OutputException the target's directory cannot be created or written
     */
    public static OutputTarget open(String role, Path target, Collection<Path> inputs, boolean force,
                                    PrintStream stdout) throws IOException {
        if (isStdout(target)) {
            return new OutputTarget(role, target, null, stdout, stdout);
        }
        if (Files.isDirectory(target)) {
            throw new Refused("refusing to write " + target + ": it is a directory; name a file");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // A FIFO or a device: written as a stream, never replaced by a rename.
            try {
                return new OutputTarget(role, target, null, Files.newOutputStream(target, StandardOpenOption.WRITE),
                        null);
            } catch (IOException e) {
                throw new OutputException(target, e);
            }
        }
        try {
            AtomicOutput.refuseInputs(target, inputs);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        for (Path dir = target.toAbsolutePath().normalize().getParent(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new OutputException("cannot write " + target + ": " + dir + " is not a directory");
                }
                break;
            }
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw new Refused("refusing to replace " + target + ": it exists (give --force to replace it, or"
                    + " another name)");
        }
        try {
            AtomicOutput a = AtomicOutput.open(target, List.of()); // the inputs were refused above
            return new OutputTarget(role, target, a, a.stream(), null);
        } catch (IOException e) {
            throw new OutputException(target, e);
        }
    }

    /** Where to write: counted, hashed, and every error an {@link OutputException} naming the output. */
    public OutputStream stream() {
        return stream;
    }

    /** The output as the user named it. */
    public Path path() {
        return given;
    }

    /** True when the output is a stream (stdout, a FIFO, a device), not a file written atomically. */
    public boolean isStream() {
        return atomic == null;
    }

    /** Makes the output final: renames the file into place, or flushes the stream. */
    public void commit() throws IOException {
        try {
            stream.flush();
            if (atomic != null) {
                atomic.commit();
            } else if (stdout == null) {
                sink.close();
            } else if (stdout.checkError()) {
                throw new IOException("the stream was closed or could not be written");
            }
        } catch (OutputException e) {
            throw e;
        } catch (IOException e) {
            throw new OutputException(given, e);
        }
        done = true;
    }

    /** True once {@link #commit()} succeeded. */
    public boolean committed() {
        return done;
    }

    /** The output as written, for the report's custody section. */
    public OutputFile written() {
        return new OutputFile(role, given.toString(), stream.count, stream.hex());
    }

    /** Deletes the temporary file unless committed (a stream is flushed and, unless stdout, closed). */
    @Override
    public void close() throws IOException {
        if (atomic != null) {
            atomic.close();
        } else if (!done && stdout == null) {
            sink.close();
        }
    }

    /** Counts and hashes what passes; maps write errors to {@link OutputException}. */
    private static final class Hashing extends FilterOutputStream {
        private final MessageDigest sha;
        private final Path given;
        long count;

        Hashing(OutputStream out, Path given) {
            super(out);
            this.given = given;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new OutputException(given, e);
            }
            sha.update(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new OutputException(given, e);
            }
        }

        /** Flushes; the output itself is closed by its target. */
        @Override
        public void close() throws IOException {
            flush();
        }

        private String hex;

        /** The SHA-256 of everything written (taken once: nothing may be written after). */
        String hex() {
            if (hex == null) {
                hex = HexFormat.of().formatHex(sha.digest());
            }
            return hex;
        }
    }
}
