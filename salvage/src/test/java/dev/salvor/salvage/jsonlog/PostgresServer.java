package dev.salvor.salvage.jsonlog;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code pg_ctl start} on a free
 * loopback port (Unix socket in the same directory), password authentication, and {@code pg_ctl stop -m immediate}
 * plus removal of the directory on {@link #close()} (also from a shutdown hook, so a failing test run never leaves a
 * server behind). PostgreSQL refuses to run as root: as root, every server binary runs as the {@code postgres} OS
 * user ({@code runuser -u postgres --}) in a directory that user owns.
 *
 * <p>{@link #start()} aborts the calling test (JUnit assumption) when no server binaries are installed
 * ({@code /usr/lib/postgresql/N/bin}, Debian package {@code postgresql}; or {@code SALVOR_PG_BIN}).
 */
final class PostgresServer implements AutoCloseable {
    static final String USER = "salvor_test";

    private final Path bin;
    private final Path dir;
    private final boolean asPostgres;
    private final String password;
    private int port;
    private volatile boolean running;
    private final Thread hook = new Thread(this::stopQuietly, "stop-test-postgres");

    private PostgresServer(Path bin, Path dir, boolean asPostgres, String password) {
        this.bin = bin;
        this.dir = dir;
        this.asPostgres = asPostgres;
        this.password = password;
    }

    /** The newest installed server binaries, or null. */
    static Path binaries() {
        String env = System.getenv("SALVOR_PG_BIN");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isEmpty()) {
            candidates.add(Paths.get(env));
        }
        Path root = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.map(v -> v.resolve("bin")).sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                return null;
            }
        }
        for (Path b : candidates) {
            if (Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl"))
                    && Files.isExecutable(b.resolve("postgres"))) {
                return b;
            }
        }
        return null;
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Initialises and starts a server; skips the test when PostgreSQL is not installed. */
    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Assumptions.assumeTrue(bin != null, "PostgreSQL server binaries not installed (apt-get install postgresql)");
        boolean root = "root".equals(System.getProperty("user.name"));
        UserPrincipal pgUser = null;
        if (root) {
            try {
                pgUser = Paths.get("/").getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
            } catch (IOException e) {
                Assumptions.abort("running as root without a 'postgres' OS user to run the server as");
            }
            Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/sbin/runuser"))
                    || Files.isExecutable(Paths.get("/sbin/runuser")), "runuser not found");
        }
        Path dir = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), "salvor-pg-");
        String password = "pw-" + Long.toHexString(System.nanoTime());
        Files.writeString(dir.resolve("pwfile"), password + "\n", StandardCharsets.UTF_8);
        if (pgUser != null) {
            Files.setOwner(dir, pgUser);
            Files.setOwner(dir.resolve("pwfile"), pgUser);
        }
        PostgresServer s = new PostgresServer(bin, dir, root, password);
        Runtime.getRuntime().addShutdownHook(s.hook);
        boolean ok = false;
        try {
            s.run(60, "initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--pwfile=" + dir.resolve("pwfile"),
                    "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "-N");
            IOException last = null;
            for (int attempt = 0; attempt < 3 && !s.running; attempt++) {
                s.port = freePort();
                try {
                    s.run(60, "pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log")
                            .toString(), "-w", "-t", "30", "-o", "-p " + s.port + " -k " + dir
                            + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                            + " -c full_page_writes=off -c max_connections=20 -c shared_buffers=16MB", "start");
                    s.running = true;
                } catch (IOException e) {
                    last = e; // the port was taken in between: try another one
                }
            }
            if (!s.running) {
                throw last;
            }
            ok = true;
            return s;
        } finally {
            if (!ok) {
                s.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    /** Runs a server binary (as the postgres OS user when root); throws with its output when it fails. */
    private void run(int timeoutSeconds, String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("salvor-pg-" + tool, ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .directory(dir.toFile());
            pb.environment().put("LC_ALL", "C");
            pb.environment().remove("PGDATA");
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(tool + " timed out");
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log"))
                        : "";
                throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                        + Files.readString(out) + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/db} without credentials. */
    String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
    }

    /** A superuser connection (auto-commit) to {@code db}. */
    Connection connect(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection(url(db), p);
    }

    private void stopQuietly() {
        if (!running) {
            return;
        }
        try {
            run(30, "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            running = false;
        } catch (IOException | InterruptedException e) {
            // Last resort: the postmaster's pid from its pid file.
            try {
                String pid = Files.readAllLines(dir.resolve("data").resolve("postmaster.pid")).get(0).trim();
                new ProcessBuilder("kill", "-9", pid).start().waitFor(5, TimeUnit.SECONDS);
                running = false;
            } catch (IOException | InterruptedException | RuntimeException ignored) {
                // nothing more can be done
            }
        }
    }

    /** Stops the server (immediate mode) and deletes its directory. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temporary directory left behind
            }
        }
    }
}
