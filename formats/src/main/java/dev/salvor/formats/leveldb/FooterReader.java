package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteCursor;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.DamageSink;

/**
 * First phase of a table's analysis: the 48-byte {@link Footer} at the end of the file, and how far its two handles
 * can be trusted.
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>A file shorter than a footer is truncated; the whole file is then scanned for blocks.</li>
 * <li>A footer that does not decode (wrong magic: a table never finished, or not a table) is reported and the whole
 *     file is scanned. A <em>zeroed</em> footer still ends the block region: its 48 zero bytes are not scanned,
 *     and its offset is a block boundary.</li>
 * <li>A decoded footer covers itself. Handles padded with continuation bytes and non-zero padding are reported
 *     (LevelDB writes neither); the handles are used anyway.</li>
 * <li>Each handle must lie before the footer, and the two must not overlap (else bad-pointer). The metaindex handle
 *     is then usable; the index handle makes the footer usable ({@link Result#footerOk}).</li>
 * <li>{@code TableBuilder::Finish} writes metaindex, index and footer back to back: handles that do not say so
 *     were damaged. That is reported; they are still tried, and the blocks they name must verify to be trusted.</li>
 * </ul>
 */
final class FooterReader {
    private static final int TRAILER = TableFile.TRAILER;

    /**
     * What the footer phase decided.
     *
     * @param footer            the footer, or null unless it decoded with the table magic
     * @param footerOk          whether the footer decoded and its index handle is usable
     * @param metaindexUsable   whether the footer decoded and its metaindex handle is usable
     * @param footerDamaged     whether the footer is missing or does not decode (its damage is reported)
     * @param dataEnd           end of the region holding blocks: the footer's offset when there is a footer, else
     *                          the file length
     * @param dataEndIsBoundary whether {@code dataEnd} is a known block boundary (a footer, even a zeroed one,
     *                          starts there)
     */
    record Result(Footer footer, boolean footerOk, boolean metaindexUsable, boolean footerDamaged, long dataEnd,
                  boolean dataEndIsBoundary) {
    }

    private final TableFile file;
    private final DamageSink sink;
    private final TableCoverage coverage;
    private final long fileLen;

    FooterReader(TableFile file, DamageSink sink, TableCoverage coverage) {
        this.file = file;
        this.sink = sink;
        this.coverage = coverage;
        this.fileLen = file.length();
    }

    Result read() {
        if (fileLen < Footer.ENCODED_LENGTH) {
            sink.report(new Damage(file.name(), 0, fileLen, DamageKind.TRUNCATED, ">= " + Footer.ENCODED_LENGTH
                    + " bytes", fileLen + " bytes", "file shorter than a table footer (table not finished,"
                    + " or truncated)"));
            return new Result(null, false, false, true, fileLen, false);
        }
        long at = fileLen - Footer.ENCODED_LENGTH;
        byte[] fb = file.source().read(at, Footer.ENCODED_LENGTH);
        Footer footer;
        try {
            footer = Footer.decode(fb, file.name(), at);
        } catch (CorruptionException e) {
            sink.report(e.damage());
            if (e.damage().kind() == DamageKind.ZEROED) {
                // A zeroed footer still ends the block region: do not scan its 48 zero bytes.
                coverage.cover(at, fileLen);
                return new Result(null, false, false, true, at, true);
            }
            return new Result(null, false, false, true, fileLen, false);
        }
        coverage.cover(at, fileLen);
        checkEncoding(fb, footer, at);
        String meta = checkStructureHandle(footer.metaindexHandle());
        String index = checkStructureHandle(footer.indexHandle());
        BlockHandle m = footer.metaindexHandle();
        BlockHandle i = footer.indexHandle();
        if (meta == null && index == null && m.offset() < i.endWithTrailer() && i.offset() < m.endWithTrailer()) {
            meta = "overlaps the index block [" + i.offset() + ", " + i.endWithTrailer() + ")";
        }
        reportFooterHandle(meta, m, "metaindex");
        reportFooterHandle(index, i, "index");
        boolean metaUsable = meta == null;
        boolean footerOk = index == null;
        // TableBuilder::Finish writes metaindex, index and footer back to back: handles that do not say so
        // were damaged (they are still tried; blocks they name must verify to be trusted).
        if (footerOk && i.endWithTrailer() != at) {
            reportLayout("end=" + at, "end=" + i.endWithTrailer(),
                    "table footer index handle does not end at the footer");
        } else if (footerOk && metaUsable && m.endWithTrailer() != i.offset()) {
            reportLayout("end=" + i.offset(), "end=" + m.endWithTrailer(),
                    "table footer metaindex handle does not end at the index block");
        }
        return new Result(footer, footerOk, metaUsable, false, at, true);
    }

    /** Reports handle padding and non-zero padding: traces of a changed footer that still decodes. */
    private void checkEncoding(byte[] fb, Footer footer, long at) {
        // Where the two handles really end (a varint may be padded with continuation bytes, which LevelDB
        // never writes; the decoded values are then the same, so this is the only trace of such a change).
        ByteCursor hc = new ByteCursor(fb, 0, 2 * BlockHandle.MAX_ENCODED_LENGTH);
        BlockHandle.decode(hc);
        BlockHandle.decode(hc);
        int used = hc.position();
        if (used != footer.handlesLength()) {
            sink.report(new Damage(file.name(), at, Footer.ENCODED_LENGTH, DamageKind.BAD_VARINT,
                    footer.handlesLength() + " bytes", used + " bytes", "table footer handles are not minimally"
                    + " encoded (damaged footer; handles used anyway)"));
        }
        int nonZero = 0;
        for (int i = used; i < 2 * BlockHandle.MAX_ENCODED_LENGTH; i++) {
            if (fb[i] != 0) {
                nonZero++;
            }
        }
        if (nonZero > 0) {
            sink.report(new Damage(file.name(), at, Footer.ENCODED_LENGTH, DamageKind.BAD_STRUCTURE, "0 non-zero",
                    nonZero + " non-zero", "table footer padding after the handles is not zero"
                    + " (damaged footer; handles used anyway)"));
        }
    }

    private void reportLayout(String expected, String actual, String detail) {
        sink.report(new Damage(file.name(), fileLen - Footer.ENCODED_LENGTH, Footer.ENCODED_LENGTH,
                DamageKind.BAD_POINTER, expected, actual, detail + " (damaged footer; handles tried anyway)"));
    }

    /** Why a footer handle is unusable, or null. */
    private String checkStructureHandle(BlockHandle h) {
        long footerAt = fileLen - Footer.ENCODED_LENGTH;
        if (h.offset() > footerAt || h.size() > footerAt - h.offset() - TRAILER) {
            return "runs past the footer at " + footerAt;
        }
        return null;
    }

    private void reportFooterHandle(String why, BlockHandle h, String what) {
        if (why != null) {
            sink.report(new Damage(file.name(), fileLen - Footer.ENCODED_LENGTH, Footer.ENCODED_LENGTH,
                    DamageKind.BAD_POINTER, "block and trailer inside [0, " + (fileLen - Footer.ENCODED_LENGTH)
                    + ")", "[" + h.offset() + ", " + (h.offset() + h.size() + TRAILER) + ")",
                    "table footer " + what + " handle " + why));
        }
    }
}
