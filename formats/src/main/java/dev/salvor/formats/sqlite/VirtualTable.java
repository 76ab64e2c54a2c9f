package dev.salvor.formats.sqlite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A virtual table whose rows live in shadow tables, as a reader sees them:
 * <ul>
 * <li>FTS3/FTS4: {@code <name>_content(docid INTEGER PRIMARY KEY, c0<col>, c1<col>, ...)}; FTS5:
 * {@code <name>_content(id INTEGER PRIMARY KEY, c0, c1, ...)}: a virtual row is a content row without its first
 * column, with that column as rowid.</li>
 * <li>R*Tree ({@code rtree}, {@code rtree_i32}): {@code <name>_rowid(rowid, nodeno)} says which node holds a row;
 * {@code <name>_node(nodeno, data)} holds nodes: u16 depth (root only), u16 cell count, then cells of an i64 id
 * and 2*d coordinates (big-endian float32, or int32 for rtree_i32).</li>
 * </ul>
 *
 * @see <a href="https://www.sqlite.org/fts3.html#shadow_tables">FTS3 shadow tables</a>
 * @see <a href="https://www.sqlite.org/rtree.html">R*Tree module</a>
 */
record VirtualTable(String name, String module, List<String> columns) {

    boolean isFts() {
        return module.startsWith("fts");
    }

    boolean isRtree() {
        return module.startsWith("rtree");
    }

    /** Parses {@code CREATE VIRTUAL TABLE name USING module(args)}; null if it is not one. */
    static VirtualTable parse(String sql) {
        if (sql == null) {
            return null;
        }
        List<String> t = SqlTokens.tokenize(sql);
        int i = 0;
        if (!(t.size() > 5 && t.get(0).equalsIgnoreCase("CREATE") && t.get(1).equalsIgnoreCase("VIRTUAL")
                && t.get(2).equalsIgnoreCase("TABLE"))) {
            return null;
        }
        i = 3;
        if (t.get(i).equalsIgnoreCase("IF")) {
            i += 3;
        }
        if (i + 2 >= t.size()) {
            return null;
        }
        String name = SqlTokens.unquote(t.get(i++));
        if (t.get(i).equals(".") && i + 1 < t.size()) {
            name = SqlTokens.unquote(t.get(i + 1));
            i += 2;
        }
        if (i + 1 >= t.size() || !t.get(i).equalsIgnoreCase("USING")) {
            return null;
        }
        String module = t.get(i + 1).toLowerCase(Locale.ROOT);
        i += 2;
        List<String> cols = new ArrayList<>();
        if (i < t.size() && t.get(i).equals("(")) {
            int depth = 0;
            List<String> arg = new ArrayList<>();
            for (i++; i < t.size(); i++) {
                String x = t.get(i);
                if (x.equals("(")) {
                    depth++;
                } else if (x.equals(")") && depth-- == 0) {
                    addArg(cols, arg);
                    break;
                } else if (x.equals(",") && depth == 0) {
                    addArg(cols, arg);
                    arg = new ArrayList<>();
                    continue;
                }
                arg.add(x);
            }
        }
        return new VirtualTable(name, module, Collections.unmodifiableList(cols));
    }

    private static void addArg(List<String> cols, List<String> arg) {
        if (!arg.isEmpty() && !arg.contains("=")) { // options such as tokenize=porter are not columns
            cols.add(SqlTokens.unquote(arg.get(0)));
        }
    }

    /** Decodes the R*Tree cell for {@code id} in a node blob; null if the node does not hold it. */
    Object[] rtreeCell(byte[] node, long id) {
        int dims2 = columns.size() - 1;
        if (dims2 < 2 || node == null || node.length < 4) {
            return null;
        }
        int cells = DatabaseHeader.u16(node, 2);
        int cellSize = 8 + 4 * dims2;
        for (int c = 0; c < cells && 4 + (c + 1) * cellSize <= node.length; c++) {
            int off = 4 + c * cellSize;
            if (SerialType.readInt(node, off, 8) != id) {
                continue;
            }
            Object[] v = new Object[columns.size()];
            v[0] = id;
            for (int k = 0; k < dims2; k++) {
                int bits = (int) DatabaseHeader.u32(node, off + 8 + 4 * k);
                v[k + 1] = module.equals("rtree_i32") ? (Object) (long) bits : (Object) (double) Float.intBitsToFloat(bits);
            }
            return v;
        }
        return null;
    }
}
