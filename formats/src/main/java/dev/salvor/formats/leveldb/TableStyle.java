package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Limits;

import java.io.IOException;
import java.util.Optional;

/**
 * How a database's tables were written, so a rebuild writes its tables the same way: the compression of the first
 * data block whose checksum verifies and is stored compressed, looking at up to {@value #SAMPLE} verified blocks
 * (tables in file-number order: LevelDB stores a block uncompressed when compression saves less than 1/8, so one
 * uncompressed block does not mean the database is), and whether any table carries a
 * {@value TableWriter#FILTER_KEY} block. Damage met on the way is not reported here (the salvage run reports it).
 *
 * @param compression the codec ({@link CompressionType#SNAPPY} when no data block verified: LevelDB's default)
 * @param bloomFilter whether a table has a bloom filter block
 * @param from        the table the compression was read from, or empty when no data block verified
 */
public record TableStyle(CompressionType compression, boolean bloomFilter, Optional<String> from) {
    /** Verified data blocks looked at before concluding the tables are uncompressed. */
    public static final int SAMPLE = 16;

    /** Reads the first verified data block's trailer of each table until one is found. */
    public static TableStyle of(LevelDbLayout layout, Limits limits) throws IOException {
        CompressionType compression = null;
        String from = null;
        String firstVerified = null;
        int verified = 0;
        boolean filter = false;
        for (LevelDbFile f : layout.files(FileRole.TABLE)) {
            try (ByteSource src = f.member().open()) {
                TableReader reader = new TableReader(src, d -> { }, limits);
                filter |= reader.metaBlocks().containsKey(TableWriter.FILTER_KEY);
                for (DataBlockRef ref : reader.dataBlocks()) {
                    if (compression != null || verified >= SAMPLE) {
                        break;
                    }
                    DecodedDataBlock b = reader.readDataBlock(ref);
                    if (!b.crcOk() || !writable(b.compression())) {
                        continue;
                    }
                    verified++;
                    firstVerified = firstVerified == null ? f.name() : firstVerified;
                    if (b.compression() != CompressionType.NONE) {
                        compression = b.compression();
                        from = f.name();
                    }
                }
            }
        }
        if (compression != null) {
            return new TableStyle(compression, filter, Optional.of(from));
        }
        return verified > 0 ? new TableStyle(CompressionType.NONE, filter, Optional.of(firstVerified))
                : new TableStyle(CompressionType.SNAPPY, filter, Optional.empty());
    }

    private static boolean writable(CompressionType t) {
        return t == CompressionType.NONE || t == CompressionType.SNAPPY || t == CompressionType.ZSTD;
    }
}
