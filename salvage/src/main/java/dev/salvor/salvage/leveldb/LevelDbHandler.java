package dev.salvor.salvage.leveldb;

import dev.salvor.salvage.FormatHandler;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.report.FileResult;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/** LevelDB: a database directory, or single {@code .log}, {@code .ldb}/{@code .sst} or {@code MANIFEST-*} files. */
public final class LevelDbHandler implements FormatHandler {

    @Override
    public String name() {
        return "leveldb";
    }

    @Override
    public boolean detect(Path path) throws IOException {
        return LevelDbLayout.scan(path).looksLikeLevelDb();
    }

    @Override
    public List<Path> inputFiles(Path path) throws IOException {
        return LevelDbLayout.scan(path).files().stream()
                .filter(f -> f.role().holdsData() || f.role() == FileRole.CURRENT)
                .map(LevelDbFile::path).toList();
    }

    @Override
    public void identify(Path path, RunContext ctx, RunReport report) throws IOException {
        LevelDbLayout layout = LevelDbLayout.scan(path);
        report.notes().addAll(layout.notes());
        // Identification reads every record: counts and sequence ranges are what a specialist asks first, and a
        // full pass costs about as much as a check.
        List<FileResult> results = new LevelDbCheck(layout, ctx.limits(), ctx.threads()).run(ctx.progress());
        report.files().addAll(results);
        addLayoutDamage(layout, report);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long entries = 0;
        long bytes = 0;
        for (FileResult r : results) {
            bytes += r.size();
            if (r.facts().get("sequence_min") instanceof Long v) {
                min = Math.min(min, v);
            }
            if (r.facts().get("sequence_max") instanceof Long v) {
                max = Math.max(max, v);
            }
            if (r.facts().get("entries") instanceof Long v) {
                entries += v;
            }
        }
        StringBuilder sb = new StringBuilder(path + ": LevelDB, " + results.size() + " file(s), " + bytes + " bytes");
        LevelDbCheck.countRoles(layout).forEach((role, n) -> sb.append(", ").append(n).append(' ').append(role.id()));
        sb.append(", ").append(entries).append(" entries");
        if (min <= max) {
            sb.append(", sequence ").append(min).append("..").append(max);
        }
        report.notes().add(sb.toString());
    }

    @Override
    public void check(Path path, RunContext ctx, RunReport report) throws IOException {
        LevelDbLayout layout = LevelDbLayout.scan(path);
        report.notes().addAll(layout.notes());
        List<FileResult> results = new LevelDbCheck(layout, ctx.limits(), ctx.threads()).run(ctx.progress());
        report.files().addAll(results);
        addLayoutDamage(layout, report);
    }

    @Override
    public void salvage(Path path, RunContext ctx, OutputStream out, RunReport report) throws IOException {
        LevelDbLayout layout = LevelDbLayout.scan(path);
        report.notes().addAll(layout.notes());
        LevelDbSalvage salvage = new LevelDbSalvage(layout, ctx.limits(), LevelDbSalvage.LOG_BUFFER_BYTES,
                Math.max(2, ctx.threads()));
        try (JsonLinesRecordSink sink = new JsonLinesRecordSink(out)) {
            salvage.run(sink, ctx.progress());
            sink.counts().forEach((k, v) -> report.recordsByState().merge(k, v, Long::sum));
        }
        report.files().addAll(salvage.results().values());
        report.notes().addAll(salvage.notes());
        addLayoutDamage(layout, report);
    }

    private static void addLayoutDamage(LevelDbLayout layout, RunReport report) {
        if (layout.damages().isEmpty()) {
            return;
        }
        FileResult current = report.files().stream().filter(f -> f.role().equals(FileRole.CURRENT.id()))
                .findFirst().orElseGet(() -> {
                    FileResult r = new FileResult("CURRENT", "leveldb", FileRole.CURRENT.id(), 0);
                    report.files().add(r);
                    return r;
                });
        layout.damages().forEach(current::addDamage);
    }
}
