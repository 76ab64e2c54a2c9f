package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.jsonlog.ChainFields;
import dev.salvor.formats.jsonlog.ChainHead;
import dev.salvor.formats.jsonlog.EventLogDirectory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a {@code jsonlog} input is, found by content: an EventLog directory ({@code segment-NNNNNN.json} files and an
 * optional {@code event-log-snapshot.json}), a single JSON file (array or JSON Lines) or a CSV export, and the
 * top-level members of its first event (or the CSV header), from which field names are chosen.
 *
 * <p>Only the head of each file is read ({@link ChainHead}: a few KiB unless the first event is longer); nothing
 * is written.
 *
 * @param set     the input's files (null for a table)
 * @param kind    directory, JSON, CSV or table
 * @param dir     the segments and snapshot among the set's members (null unless {@link Kind#DIRECTORY})
 * @param members the first event's top-level members (scalars as text, JSON null as {@code null}, containers as
 *                {@code "{}"}/{@code "[]"}); for CSV the header's column names mapped to null, for a table its
 *                column names
 * @param table   the live table (null unless {@link Kind#TABLE})
 */
record ChainInput(SourceSet set, Kind kind, EventLogDirectory dir, Map<String, String> members, JdbcInput table) {

    /** How the events are stored. */
    enum Kind {
        /** An EventLog directory. */
        DIRECTORY,
        /** One JSON file: an array of events or JSON Lines. */
        JSON,
        /** One CSV export with a header ({@code COPY ... TO ... CSV HEADER}). */
        CSV,
        /** A live PostgreSQL table ({@code --jdbc}). */
        TABLE
    }

    /** Segment files whose first event is probed for the chain's members. */
    static final int SEGMENTS_PROBED = 3;

    /** Describes {@code path} (a directory or a file) whatever its content. */
    static ChainInput of(Path path) throws IOException {
        return of(SourceSet.of(path), path);
    }

    /**
     * Describes {@code set} whatever its content: the files of the directory or the file {@code path}, or (with
     * {@code path} null) files assembled by the caller, such as event runs carved out of an image.
     */
    static ChainInput of(SourceSet set, Path path) throws IOException {
        if (set.isDirectory()) {
            EventLogDirectory d = EventLogDirectory.of(set, path == null ? List.of() : skippedEntries(path));
            Map<String, String> members = Map.of();
            for (SourceSet.Member seg : d.segments().subList(0, Math.min(SEGMENTS_PROBED, d.segments().size()))) {
                members = head(seg, ChainHead::readEvent).map(ChainHead::members).orElse(Map.of());
                if (!members.isEmpty()) {
                    break;
                }
            }
            return new ChainInput(set, Kind.DIRECTORY, d, members, null);
        }
        ChainHead h = head(set.members().get(0), ChainHead::read)
                .orElseGet(() -> new ChainHead(ChainHead.Layout.CSV, Map.of(), true));
        return new ChainInput(set, h.layout() == ChainHead.Layout.JSON ? Kind.JSON : Kind.CSV, null, h.members(),
                null);
    }

    /** A live table with these columns. */
    static ChainInput ofTable(JdbcInput table, List<String> columns) {
        Map<String, String> m = new LinkedHashMap<>();
        columns.forEach(c -> m.put(c, null));
        return new ChainInput(null, Kind.TABLE, null, m, table);
    }

    /** The input's name in reports: the path as given, or the table's URL without credentials. */
    String name() {
        return table != null ? table.displayName() : set.name();
    }

    /** True when the content looks like a hash chain of JSON events (see {@link ChainHead#chainedEvent}). */
    boolean recognised() {
        if (kind == Kind.DIRECTORY) {
            return !dir.segments().isEmpty() && (ChainHead.chainedEvent(members) || dir.snapshot() != null);
        }
        return kind == Kind.CSV || kind == Kind.TABLE ? ChainHead.chainedColumns(members.keySet())
                : ChainHead.chainedEvent(members);
    }

    /**
     * The chain's member names: the ones given, else those of the EventLog ({@code current_hash}) when the first
     * event has its hash member, else the ledger's ({@code entry_hash}) when it has that one, else the EventLog's.
     */
    ChainFields fields(JsonLogOptions o) {
        if (o.fieldsGiven()) {
            return o.explicitFields();
        }
        if (members.containsKey(ChainFields.EVENT_LOG.hash())) {
            return ChainFields.EVENT_LOG;
        }
        if (members.containsKey(ChainFields.LEDGER.hash())) {
            return ChainFields.LEDGER;
        }
        return ChainFields.EVENT_LOG;
    }

    /** The files holding events, in chain order: the segments, or the one export (none for a table). */
    List<SourceSet.Member> eventFiles() {
        return switch (kind) {
            case DIRECTORY -> dir.segments();
            case TABLE -> List.of();
            default -> set.members();
        };
    }

    /** Every file read for this input. */
    List<SourceSet.Member> readFiles() {
        return kind == Kind.DIRECTORY ? dir.files() : eventFiles();
    }

    /**
     * The head of {@code member}, or empty when it is not a regular file, cannot be read (permission) or changed
     * while probed: not recognised here; the pipeline's fingerprinting reports an unreadable input with its own
     * exit code.
     */
    private static Optional<ChainHead> head(SourceSet.Member member, Function<ByteSource, ChainHead> read) {
        if (member.path().isPresent() && !Files.isRegularFile(member.path().get())) {
            return Optional.empty();
        }
        try (ByteSource s = member.open()) {
            return Optional.of(read.apply(s));
        } catch (IOException | CorruptionException e) {
            return Optional.empty();
        }
    }

    /** Names of the entries of {@code dir} that are not regular files (the source set leaves them out). */
    private static List<String> skippedEntries(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(p.getFileName().toString());
                }
            }
        }
        return names;
    }
}
