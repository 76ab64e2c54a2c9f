package dev.salvor.salvage;

import dev.salvor.formats.core.SourceSet;
import dev.salvor.salvage.jsonlog.JdbcInput;
import dev.salvor.salvage.jsonlog.JsonLogHandler;
import dev.salvor.salvage.report.RunReport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * What a {@link Pipeline} run does with each input: {@link #IDENTIFY}, {@link #CHECK}, or {@link #salvage} into a
 * stream of JSON Lines records. A verb adds its per-file results, notes and record counts to the report.
 */
public interface Verb {

    /** Runs on one input of the format {@code handler}. */
    void run(FormatHandler handler, SourceSet input, RunContext ctx, RunReport report) throws IOException;

    /**
     * Runs on a live ledger table ({@code --jdbc}); credentials come from {@code env} when the URL has none.
     *
     * @throws JdbcInput.Unreadable when the table cannot be read at all
     */
    void runTable(JsonLogHandler tables, JdbcInput table, Map<String, String> env, RunContext ctx, RunReport report)
            throws IOException;

    /**
     * True when the verb verifies units (check, salvage): an input in which nothing verified is then not clean.
     * Identification only reads key figures.
     */
    default boolean verifies() {
        return true;
    }

    /** The verb as run on one of several inputs: salvage names the input in every record; others are unchanged. */
    default Verb forInput(String input) {
        return this;
    }

    /** Called once the verb finished with an input (salvage flushes what it wrote for it). */
    default void finishInput() throws IOException {
    }

    /** Key figures of every file, by the format's own reading. */
    Verb IDENTIFY = new Verb() {
        @Override
        public void run(FormatHandler handler, SourceSet input, RunContext ctx, RunReport report) throws IOException {
            handler.identify(input, ctx, report);
        }

        @Override
        public void runTable(JsonLogHandler tables, JdbcInput table, Map<String, String> env, RunContext ctx,
                             RunReport report) throws IOException {
            tables.identifyTable(table, env, ctx, report);
        }

        @Override
        public boolean verifies() {
            return false;
        }
    };

    /** Every checksum and structure verified, every damage listed. */
    Verb CHECK = new Verb() {
        @Override
        public void run(FormatHandler handler, SourceSet input, RunContext ctx, RunReport report) throws IOException {
            handler.check(input, ctx, report);
        }

        @Override
        public void runTable(JsonLogHandler tables, JdbcInput table, Map<String, String> env, RunContext ctx,
                             RunReport report) throws IOException {
            tables.checkTable(table, env, ctx, report);
        }
    };

    /**
     * A working database rebuilt into {@code target} from everything intact (see
     * {@link dev.salvor.salvage.rebuild.Rebuilder}); a live table is not rebuilt here.
     */
    static Verb rebuild(dev.salvor.salvage.rebuild.RebuildTarget target) {
        return new Verb() {
            @Override
            public void run(FormatHandler handler, SourceSet input, RunContext ctx, RunReport report)
                    throws IOException {
                dev.salvor.salvage.rebuild.Rebuilder r = handler.rebuilder();
                if (r == null) {
                    throw new dev.salvor.salvage.rebuild.Rebuilder.RebuildRefused("salvor cannot rebuild "
                            + handler.name() + " yet");
                }
                r.rebuild(input, ctx, target, report);
            }

            @Override
            public void runTable(JsonLogHandler tables, JdbcInput table, Map<String, String> env, RunContext ctx,
                                 RunReport report) throws IOException {
                throw new dev.salvor.salvage.rebuild.Rebuilder.RebuildRefused("a live table is rebuilt in place"
                        + " with --apply (the truncation plan), not into OUTPUT");
            }
        };
    }

    /** Every intact record (live, superseded, deleted) written to {@code records} as JSON Lines. */
    static Verb salvage(OutputStream records) {
        return new Verb() {
            @Override
            public void run(FormatHandler handler, SourceSet input, RunContext ctx, RunReport report) throws IOException {
                handler.salvage(input, ctx, records, report);
            }

            @Override
            public void runTable(JsonLogHandler tables, JdbcInput table, Map<String, String> env, RunContext ctx,
                                 RunReport report) throws IOException {
                tables.salvageTable(table, env, ctx, records, report);
            }

            @Override
            public Verb forInput(String input) {
                return salvage(new dev.salvor.salvage.report.InputTaggingStream(records, input));
            }

            @Override
            public void finishInput() throws IOException {
                records.flush();
            }
        };
    }
}
