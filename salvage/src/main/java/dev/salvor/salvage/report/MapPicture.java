package dev.salvor.salvage.report;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.UnitMap;
import dev.salvor.formats.core.UnitState;

import java.util.Arrays;
import java.util.List;

/**
 * The picture of one file's map ({@link FileResult#mapWithDamages()}) as inline SVG: the file cut into at most
 * {@code maxCells} cells, drawn in rows like a hex editor's lines with row offsets on the left. A cell holds whole
 * units when the file's units are all one size ({@link UnitMap#unitSize()}: one database page, or a power of two of
 * them), else a power-of-two number of bytes (at least {@value #MIN_CELL_BYTES}). Up to {@value #LARGE_CELLS} cells
 * are drawn large ({@value #FEW_COLUMNS} to a row), more are drawn small ({@value #COLUMNS} to a row). A cell shows
 * the worst state of the bytes in it ({@link UnitState#worst}), grey when nothing in it was examined; neighbouring
 * cells of one state in a row are one shape (a grid drawn over them keeps the cells apart), whose tooltip gives its
 * byte range and state and, when damaged, the damages in it (a click goes to the first one in the damage table). The
 * page stays small whatever the file size: at most one shape per cell.
 */
final class MapPicture {
    /** Cells per row when there are many. */
    static final int COLUMNS = 128;
    /** Cells per row when there are few. */
    static final int FEW_COLUMNS = 64;
    /** At most this many cells are drawn large. */
    static final int LARGE_CELLS = 1024;
    /** The smallest cell. */
    static final long MIN_CELL_BYTES = 16;
    /** Width of the offsets column (a multiple of every pitch, so that the grid falls between cells). */
    private static final int GUTTER = 80;
    /** Room above the first row (for its offset) and below the last. */
    private static final int TOP = 4;
    private static final int UNKNOWN = -1;

    private final FileResult file;
    private final long size;
    private final long cellBytes;
    private final int cells;
    private final byte[] state;
    private final int[] damage;
    private final boolean bucketed;
    private final long[] bytesByState;
    private final List<Damage> listed;
    private final String damageIdPrefix;
    private final long unitSize;
    private final int columns;
    /** Pixels from one cell to the next: a cell and a 1-pixel gap. */
    private final int pitch;

    private MapPicture(FileResult file, int maxCells, List<Damage> listed, String damageIdPrefix) {
        this.file = file;
        this.size = file.size();
        this.listed = listed;
        this.damageIdPrefix = damageIdPrefix;
        UnitMap map = file.mapWithDamages();
        this.bucketed = map.bucketed();
        this.bytesByState = map.bytesByState();
        this.unitSize = map.unitSize();
        this.cellBytes = cellBytes(size, maxCells, map.granularity(), unitSize);
        this.cells = (int) ((size + cellBytes - 1) / cellBytes);
        this.columns = cells <= LARGE_CELLS ? FEW_COLUMNS : COLUMNS;
        this.pitch = cells <= LARGE_CELLS ? 16 : 8;
        this.state = new byte[cells];
        Arrays.fill(state, (byte) UNKNOWN);
        for (UnitMap.Run r : map.runs()) {
            int from = (int) (r.offset() / cellBytes);
            int to = (int) ((r.end() - 1) / cellBytes);
            for (int c = from; c <= to; c++) {
                state[c] = (byte) Math.max(state[c], r.state().ordinal());
            }
        }
        this.damage = new int[cells];
        Arrays.fill(damage, -1);
        for (int i = 0; i < listed.size(); i++) {
            Damage d = listed.get(i);
            if (d.offset() < 0 || !d.resource().equals(file.file()) || size == 0) {
                continue;
            }
            long at = Math.min(d.offset(), size - 1);
            long end = Math.min(size, Math.max(at + 1, d.end()));
            for (int c = (int) (at / cellBytes); c <= (int) ((end - 1) / cellBytes); c++) {
                if (damage[c] < 0) {
                    damage[c] = i;
                }
            }
        }
    }

    /**
     * Bytes per cell: whole units ({@code unit > 0}: the unit times a power of two) or a power of two of at least
     * {@value #MIN_CELL_BYTES} bytes, and at least the map's granularity, so that at most {@code maxCells} cover the
     * file.
     */
    static long cellBytes(long size, int maxCells, long granularity, long unit) {
        long needed = Math.max(granularity, (size + maxCells - 1) / maxCells);
        long base = unit > 0 ? unit : MIN_CELL_BYTES;
        long units = Math.max(1, (needed + base - 1) / base);
        long pow = Long.highestOneBit(units);
        return base * (pow < units ? pow << 1 : pow);
    }

    /**
     * The picture of {@code file}, or {@code null} when there is nothing to draw (an empty file, or one in which
     * nothing was marked and no damage is located).
     *
     * @param listed         the damages listed in the page for this file, in table order
     * @param damageIdPrefix the id of the {@code i}-th listed damage's row is this prefix and {@code i + 1}
     */
    static MapPicture of(FileResult file, int maxCells, List<Damage> listed, String damageIdPrefix) {
        if (file.size() <= 0) {
            return null;
        }
        MapPicture p = new MapPicture(file, Math.max(1, maxCells), listed, damageIdPrefix);
        for (byte s : p.state) {
            if (s != UNKNOWN) {
                return p;
            }
        }
        return null;
    }

    long cellBytes() {
        return cellBytes;
    }

    /** The file's unit size when cells hold whole units, else 0. */
    long unitSize() {
        return unitSize;
    }

    int cells() {
        return cells;
    }

    /** Bytes in each state (index: ordinal), then bytes not examined; whole buckets when {@link #bucketed()}. */
    long[] bytesByState() {
        return bytesByState.clone();
    }

    /** Whether the map kept buckets rather than exact runs (the byte counts are then per bucket). */
    boolean bucketed() {
        return bucketed;
    }

    /** The CSS class of a state ({@code n} for not examined). */
    static String cssClass(int state) {
        return state == UNKNOWN ? "n" : switch (UnitState.values()[state]) {
            case VERIFIED -> "v";
            case FREE -> "f";
            case CARVED -> "c";
            case UNVERIFIED -> "u";
            case DAMAGED -> "d";
        };
    }

    /** The label of a state ({@code not examined} for none). */
    static String label(int state) {
        return state == UNKNOWN ? "not examined" : UnitState.values()[state].id();
    }

    /** Appends the SVG. */
    void render(StringBuilder out) {
        int cols = Math.min(columns, cells);
        int rows = (cells + columns - 1) / columns;
        int width = GUTTER + cols * pitch;
        int height = rows * pitch + 2 * TOP;
        int labelEvery = pitch >= 16 ? 1 : 4;
        int digits = Html.hexDigits(size);
        out.append("<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"map of ").append(Html.text(file.file()))
                .append("\">\n<g transform=\"translate(0,").append(TOP).append(")\">\n");
        for (int row = 0; row < rows; row++) {
            if (row % labelEvery == 0) {
                out.append("<text class=\"off\" x=\"").append(GUTTER - 6).append("\" y=\"")
                        .append(row * pitch + Math.min(pitch, 12) - 2).append("\">")
                        .append(Html.hex(row * (long) columns * cellBytes, digits)).append("</text>\n");
            }
            int first = row * columns;
            int last = Math.min(cells, first + columns);
            int c = first;
            while (c < last) {
                int s = state[c];
                int e = c + 1;
                while (e < last && state[e] == s && (s != UnitState.DAMAGED.ordinal() || damage[e] == damage[c]
                        || damage[e] < 0)) {
                    e++;
                }
                shape(out, row, c - first, c, e, s, digits);
                c = e;
            }
        }
        // The grid between cells, over the shapes (hover passes through it).
        out.append("<rect class=\"grid\" x=\"").append(GUTTER).append("\" y=\"0\" width=\"").append(cols * pitch)
                .append("\" height=\"").append(rows * pitch).append("\" fill=\"url(#grid").append(pitch)
                .append(")\"/>\n</g>\n</svg>\n");
    }

    /** One shape over cells {@code [from, to)} of one state. */
    private void shape(StringBuilder out, int row, int col, int from, int to, int s, int digits) {
        long start = from * cellBytes;
        long end = Math.min(size, to * cellBytes);
        int firstDamage = s == UnitState.DAMAGED.ordinal() ? damage[from] : -1;
        if (firstDamage >= 0) {
            out.append("<a href=\"#").append(damageIdPrefix).append(firstDamage + 1).append("\">");
        }
        out.append("<rect class=\"").append(cssClass(s)).append("\" x=\"").append(GUTTER + col * pitch)
                .append("\" y=\"").append(row * pitch).append("\" width=\"").append((to - from) * pitch - 1)
                .append("\" height=\"").append(pitch - 1).append("\" data-from=\"").append(start)
                .append("\" data-to=\"").append(end).append("\"><title>")
                .append(Html.hex(start, digits)).append('\u2013').append(Html.hex(end - 1, digits)).append(" \u00b7 ")
                .append(Html.count(end - start)).append(" bytes \u00b7 ").append(label(s));
        if (firstDamage >= 0) {
            int shown = 0;
            for (int i = firstDamage; i < listed.size() && shown < 3; i++) {
                Damage d = listed.get(i);
                if (d.offset() >= 0 && d.resource().equals(file.file()) && overlaps(d, start, end)) {
                    out.append("\ndamage ").append(i + 1).append(": ").append(Html.text(d.kind().id())).append(" at ")
                            .append(Html.hex(d.offset(), digits)).append(": ").append(Html.text(shorten(d.detail())));
                    shown++;
                }
            }
        }
        out.append("</title></rect>");
        if (firstDamage >= 0) {
            out.append("</a>");
        }
        out.append('\n');
    }

    private boolean overlaps(Damage d, long start, long end) {
        long at = Math.min(d.offset(), size - 1);
        long dEnd = Math.max(at + 1, d.end());
        return at < end && dEnd > start;
    }

    private static String shorten(String s) {
        return s.length() <= 140 ? s : s.substring(0, 139) + "\u2026";
    }
}
