package dev.salvor.salvage.backup;

import dev.salvor.cli.CliRun;
import dev.salvor.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A backup or a restore killed with SIGKILL in the middle of its work (the CLI in a child JVM, on a generated input
 * large enough to be caught mid-way) leaves no archive that looks complete and no half-restored TARGET.
 */
class KillTest {
    /** 96 files of 256 KiB of incompressible bytes: 24 MiB, a second or more of gzip at level 9. */
    private static final int FILES = 96;
    private static final int SIZE = 256 * 1024;

    @TempDir
    Path tmp;

    private static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.salvor.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Polls until {@code moment} holds, then kills the process with SIGKILL; fails if it ended first. */
    private static void killWhen(Process p, Path log, Predicate<Void> moment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (moment.test(null)) {
                p.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no finally block runs
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, p.exitValue(), "killed by SIGKILL");
                return;
            }
            if (!p.isAlive()) {
                fail("the process ended (exit " + p.exitValue() + ") before it could be killed mid-way:\n"
                        + Files.readString(log));
            }
            Thread.sleep(5);
        }
        p.destroyForcibly();
        fail("timed out waiting for the moment to kill");
    }

    private static Optional<Path> find(Path dir, Predicate<String> name) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> name.test(p.getFileName().toString())).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void backupKilledMidWayLeavesNoArchiveThatLooksComplete() throws Exception {
        Path src = tmp.resolve("src");
        Trees.random(src, FILES, SIZE, 7);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Process p = start(tmp.resolve("backup.log"), "backup", src.toString(), "-o", out.toString(), "--level", "9");
        killWhen(p, tmp.resolve("backup.log"), x -> find(out, n -> n.endsWith(".tar.gz.tmp"))
                .map(KillTest::size).orElse(-1L) > 4 << 20);

        List<String> names = Trees.list(out);
        assertTrue(names.stream().allMatch(n -> n.startsWith(".") && n.endsWith(".tmp")),
                "only hidden temporary files may remain: " + names);
        Path partial = out.resolve(names.get(0));
        CliRun v = CliRun.of("verify-backup", partial.toString());
        assertEquals(ExitCodes.DAMAGE, v.exit(), "the leftover is not a complete archive:\n" + v.err());

        // The next backup of the same label says what the leftover is, and succeeds.
        Path small = tmp.resolve("small/src");
        Files.createDirectories(small);
        Files.writeString(small.resolve("a.txt"), "alpha\n");
        CliRun again = CliRun.of("backup", small.toString(), "-o", out.toString());
        assertEquals(ExitCodes.CLEAN, again.exit(), again.err());
        assertTrue(again.err().contains("left by an interrupted backup"), again.err());
    }

    @Test
    void restoreKilledMidWayLeavesTargetAbsentOrUntouched() throws Exception {
        Path src = tmp.resolve("src");
        Trees.random(src, FILES, SIZE, 11);
        Backup.Result b = Backup.run(new Backup.Options(src, tmp.resolve("out"), null, 0, 1, 2, null, null, null,
                "salvor test"));

        // A TARGET that does not exist yet: after the kill it still does not.
        Path target = tmp.resolve("target");
        Process p = start(tmp.resolve("restore.log"), "restore", b.archive().toString(), target.toString());
        killWhen(p, tmp.resolve("restore.log"), x -> find(tmp, n -> n.startsWith(".target.salvor-restore-"))
                .map(KillTest::count).orElse(-1L) > 20);
        assertFalse(Files.exists(target), "a half-restored TARGET exists");
        assertTrue(find(tmp, n -> n.startsWith(".target.salvor-restore-")).isPresent(),
                "the hidden staging directory is where the partial work went");

        // A TARGET with content, restored with --force: killed mid-way, its content is exactly as it was.
        Path existing = tmp.resolve("existing");
        Files.createDirectories(existing.resolve("keep"));
        Files.writeString(existing.resolve("keep/me.txt"), "previous data\n");
        Map<String, String> before = Trees.snapshot(existing);
        Process q = start(tmp.resolve("restore2.log"), "restore", b.archive().toString(), existing.toString(),
                "--force");
        killWhen(q, tmp.resolve("restore2.log"), x -> find(tmp, n -> n.startsWith(".existing.salvor-restore-"))
                .map(KillTest::count).orElse(-1L) > 20);
        assertEquals(before, Trees.snapshot(existing), "TARGET changed before the restore was complete");
        assertTrue(find(tmp, n -> n.startsWith("existing.salvor-aside-")).isEmpty(),
                "nothing is moved aside before the new content is complete");

        // Run to completion, the same restore gives the archive's content, the old content aside.
        CliRun done = CliRun.of("restore", b.archive().toString(), existing.toString(), "--force");
        assertEquals(ExitCodes.CLEAN, done.exit(), done.err());
        Trees.assertSameTree(src, existing);
        Path aside = find(tmp, n -> n.startsWith("existing.salvor-aside-")).orElseThrow();
        assertEquals(before, Trees.snapshot(aside));
    }
}
