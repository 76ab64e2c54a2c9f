package dev.salvor.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code salvor.jar} (built by {@code package}) in its own JVM, as a user runs it, and captures exit
 * code, stdout and stderr. With {@link #asNobody()} it runs as the unprivileged user {@code nobody} (through
 * {@code setpriv}) so that file permissions hold even when the tests run as root.
 */
record JarRun(int exit, String out, String err) {
    /** The shaded jar of this module. */
    static Path jar() {
        Path p = Path.of("target", "salvor.jar").toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run the jar tests with `mvn verify` (after package)");
        }
        return p;
    }

    static JarRun of(Path cwd, String... args) throws IOException, InterruptedException {
        return run(cwd, List.of(), null, args);
    }

    /** As {@link #of}, with stdout going to {@code stdoutFile} (as a shell's {@code > file} does). */
    static JarRun toFile(Path cwd, Path stdoutFile, String... args) throws IOException, InterruptedException {
        return run(cwd, List.of(), stdoutFile, args);
    }

    /** True when this process runs as root (permissions are then only tested as {@code nobody}). */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The command prefix that runs as {@code nobody} when root, else nothing. */
    static List<String> asNobody() {
        return isRoot() ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") : List.of();
    }

    static JarRun run(Path cwd, List<String> prefix, Path stdoutFile, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        Path err = Files.createTempFile("salvor-err", ".txt");
        Path out = stdoutFile != null ? stdoutFile : Files.createTempFile("salvor-out", ".txt");
        pb.redirectError(err.toFile()).redirectOutput(out.toFile()).redirectInput(new File("/dev/null"));
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("salvor did not finish in 180 s: " + cmd);
        }
        try {
            return new JarRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
            if (stdoutFile == null) {
                Files.deleteIfExists(out);
            }
        }
    }

    /** For assertion messages. */
    String describe() {
        return "exit " + exit + "\n--- stderr\n" + err + "--- stdout (first 2000 chars)\n"
                + out.substring(0, Math.min(2000, out.length()));
    }
}
