package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.ProgressCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reads one log or MANIFEST file into entries / a manifest state, reporting its damage into a {@link FileResult}. */
final class LevelDbFileReader {
    private LevelDbFileReader() {
    }

    /**
     * Streams every write-batch entry of a write-ahead log. Entries of a record whose CRC failed but whose batch
     * still decodes are delivered with {@code crcOk=false}. {@code position} follows the records read (the caller
     * ends it).
     */
    static void readLog(ByteSource src, LevelDbFile file, Limits limits, FileResult result, Consumer<Entry> out,
                        ProgressCounter.Sequential position) {
        DamageSink sink = result::addDamage;
        long[] batches = {0};
        long[] entries = {0};
        long[] seqRange = {Long.MAX_VALUE, Long.MIN_VALUE};
        long[] end = {0};
        LogReader reader = new LogReader(src, sink, limits);
        LogStats stats = reader.read(rec -> {
            LevelDbUnits.record(result.map(), rec);
            end[0] = rec.end();
            // A CRC-failed record is decoded into a scratch list: its own decoding damage is implied by the CRC
            // failure already reported and would only repeat it.
            List<Damage> scratch = new ArrayList<>();
            WriteBatch batch = WriteBatch.decode(rec.payload(), file.name(), rec.offset(),
                    rec.crcOk() ? sink : DamageSink.collectingInto(scratch));
            batches[0]++;
            for (BatchEntry be : batch.entries()) {
                entries[0]++;
                seqRange[0] = Math.min(seqRange[0], be.sequence());
                seqRange[1] = Math.max(seqRange[1], be.sequence());
                out.accept(new Entry(be.key(), be.sequence(), be.type(), be.value(), file.name(), EntryUnit.LOG,
                        rec.offset(), be.index(), rec.crcOk(), -1));
            }
            position.at(rec.end());
        });
        LevelDbUnits.cleanTail(result.map(), stats, end[0]);
        result.units(stats.physicalRecords(), stats.damages(), stats.bytesVerified());
        result.fact("blocks", stats.blocks()).fact("physical_records", stats.physicalRecords())
                .fact("write_batches", batches[0]).fact("entries", entries[0])
                .fact("clean_end", stats.cleanEnd());
        if (entries[0] > 0) {
            result.fact("sequence_min", seqRange[0]).fact("sequence_max", seqRange[1]);
        }
    }

    /**
     * The checksum pass over a log or MANIFEST ({@code check --level crc}): every physical record's CRC-32C and
     * framing, as {@link #readLog} and {@link #readManifest} check them (the same damage), without decoding the write
     * batches or version edits they carry.
     */
    static void readRecordCrcs(ByteSource src, LevelDbFile file, Limits limits, FileResult result,
                               ProgressCounter.Sequential position) {
        long[] end = {0};
        LogReader reader = new LogReader(src, result::addDamage, limits);
        LogStats stats = reader.read(rec -> {
            LevelDbUnits.record(result.map(), rec);
            end[0] = rec.end();
            position.at(rec.end());
        });
        LevelDbUnits.cleanTail(result.map(), stats, end[0]);
        result.units(stats.physicalRecords(), stats.damages(), stats.bytesVerified());
        result.fact("blocks", stats.blocks()).fact("physical_records", stats.physicalRecords())
                .fact("clean_end", stats.cleanEnd());
    }

    /** Applies every version edit of a MANIFEST to a fresh state. */
    static ManifestState readManifest(ByteSource src, LevelDbFile file, Limits limits, FileResult result) {
        DamageSink sink = result::addDamage;
        ManifestState state = new ManifestState();
        long[] end = {0};
        LogReader reader = new LogReader(src, sink, limits);
        LogStats stats = reader.read(rec -> {
            LevelDbUnits.record(result.map(), rec);
            end[0] = rec.end();
            if (!rec.crcOk()) {
                return; // an edit that fails its CRC cannot be trusted to describe the database
            }
            try {
                state.apply(VersionEdit.decode(rec.payload(), file.name(), rec.offset(), sink));
            } catch (CorruptionException e) {
                result.addDamage(e.damage());
            }
        });
        LevelDbUnits.cleanTail(result.map(), stats, end[0]);
        result.units(stats.physicalRecords(), stats.damages(), stats.bytesVerified());
        result.fact("version_edits", state.edits());
        if (state.comparator() != null) {
            result.fact("comparator", state.comparator());
        }
        result.fact("last_sequence", state.lastSequence()).fact("next_file_number", state.nextFileNumber())
                .fact("log_number", state.logNumber()).fact("live_tables", state.liveFiles().size())
                .fact("clean_end", stats.cleanEnd());
        return state;
    }
}
