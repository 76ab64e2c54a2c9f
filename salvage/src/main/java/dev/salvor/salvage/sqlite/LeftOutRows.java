package dev.salvor.salvage.sqlite;

import dev.salvor.formats.sqlite.SqliteRow;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.report.ImageOffsets;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The rows a SQLite rebuild leaves out of the new database, written to {@link RebuildTarget#leftOut()} as JSON Lines:
 * each exactly as {@code salvage} writes it, with a last member {@code "left_out"} naming why, and counted by reason
 * in the target's facts. Not thread-safe: the salvaging thread alone writes.
 */
final class LeftOutRows {
    /** Encoded rows are handed to the stream in chunks of about this size. */
    private static final int CHUNK = 1 << 18;

    private final RebuildTarget target;
    private final SqliteRowJson json;

    LeftOutRows(RebuildTarget target, ImageOffsets imageOffsets) {
        this.target = target;
        this.json = new SqliteRowJson(CHUNK + (1 << 12), imageOffsets);
    }

    /** Leaves {@code row} out for {@code reason} (an output error surfaces unchecked, ending the salvage). */
    void add(SqliteRow row, String reason) {
        json.row(row, reason);
        target.leftOut(reason, 1);
        if (json.size() >= CHUNK) {
            try {
                json.drainTo(target.leftOut());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes what is still buffered and flushes the stream (not closed: the command owns it). */
    void finish() throws IOException {
        json.drainTo(target.leftOut());
        target.leftOut().flush();
    }
}
