package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.jsonlog.ChainHead;
import dev.salvor.salvage.RunContext;
import dev.salvor.salvage.rebuild.RebuildTarget;
import dev.salvor.salvage.rebuild.Rebuilder;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;

/**
 * {@code rebuild} of a hash chain: an EventLog directory becomes a directory the EventLog opens, holding the verified
 * chain up to its first break in the original segment layout, with the snapshot pointed at the new head; a single
 * JSON array, JSON Lines or CSV export becomes the same kind of file with the intact prefix. The events are the
 * evidence's bytes; everything else (after the break, torn) is left out as salvage's rows with {@code left_out}
 * ({@link ChainRebuild}).
 *
 * <p>The run is salvage's ({@link JsonLogHandler#salvage(SourceSet, RunContext, java.io.OutputStream, RunReport,
 * JsonLogHandler.EventRoute)}): the report gets the same results, damage, notes and counts by state as
 * {@code salvage} of the same input.
 */
final class JsonLogRebuilder implements Rebuilder {
    private final JsonLogHandler handler;

    JsonLogRebuilder(JsonLogHandler handler) {
        this.handler = handler;
    }

    @Override
    public void rebuild(SourceSet input, RunContext ctx, RebuildTarget target, RunReport report) throws IOException {
        int maxHeader = Math.max(ChainHead.MAX_HEAD_BYTES, ctx.limits().maxRecordBytes());
        ChainRebuild[] rebuild = new ChainRebuild[1];
        try {
            handler.salvage(input, ctx, target.leftOut(), report, (in, chain, rows) -> {
                rebuild[0] = ChainRebuild.start(in, chain, rows, target, maxHeader);
                return rebuild[0];
            });
            if (rebuild[0] == null) {
                throw new RebuildRefused(input.name() + ": the chain's verification stopped early (see the notes):"
                        + " nothing rebuilt");
            }
            rebuild[0].finish();
        } finally {
            if (rebuild[0] != null) {
                rebuild[0].close();
            }
        }
    }
}
