package dev.salvor.formats.sqlite;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The carver reads a page's own cells once per page ({@link FreeSpaceCarver#enterPage}) instead of once per free
 * region: on every fixture database and (when present) the public forensic corpus, carving all regions of every
 * live b-tree page after one {@code enterPage} gives exactly the cells that carving each region after its own
 * {@code enterPage} (the former behaviour) gives, in the same order.
 */
class FreeSpaceCarverPageTest {

    private static String describe(List<FreeSpaceCarver.Carved> cells) {
        StringBuilder s = new StringBuilder();
        for (FreeSpaceCarver.Carved c : cells) {
            s.append(c.offset()).append('-').append(c.end()).append(' ').append(c.rowid()).append(' ')
                    .append(c.unknown()).append(' ').append(c.payloadStart()).append(' ');
            for (Object v : c.record().values()) {
                s.append(v instanceof byte[] b ? "x" + HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** Carves every free region of every live table page both ways; returns the number of cells carved. */
    private static int compare(Path file) throws IOException {
        ByteSource src = ByteSource.of(file.getFileName().toString(), Files.readAllBytes(file));
        SqliteDatabase db;
        try {
            db = SqliteDatabase.open(src, null, null, Limits.DEFAULT, DamageSink.IGNORE);
        } catch (RuntimeException e) {
            return 0; // not openable as a database: nothing to carve
        }
        PageOwners pages = new PageOwners(db);
        List<SchemaEntry> schema = SchemaReader.read(db, pages.owners(), DamageSink.IGNORE);
        KnownTables tables = new KnownTables(schema);
        new LiveTrees(db, pages, tables.stored()).learn(schema, DamageSink.IGNORE);
        FreeSpaceCarver perPage = new FreeSpaceCarver(db, pages::inUse);
        FreeSpaceCarver perRegion = new FreeSpaceCarver(db, pages::inUse);
        int carved = 0;
        for (long n = 1; n <= db.pageCount(); n++) {
            Long root = pages.ownerRoot(n);
            TableInfo t = root == null ? null : tables.byRoot(root);
            byte[] data = db.page(n);
            if (t == null || data == null) {
                continue;
            }
            BtreePage page = BtreePage.parse(n, data, db.usableSize(), db.available(n), db.main().name(), 0,
                    DamageSink.IGNORE);
            if (page == null || page.type().isTable() == t.withoutRowid) {
                continue;
            }
            boolean tableTree = page.type().isTable();
            List<int[]> regions = new ArrayList<>();
            if (page.type().isLeaf()) {
                for (int[] fb : page.freeblocks()) {
                    regions.add(new int[] {fb[0], fb[0] + fb[1], 1});
                }
            }
            int[] un = page.unallocated();
            if (un[1] > 0) {
                regions.add(new int[] {un[0], un[0] + un[1], 0});
            }
            perPage.enterPage();
            for (int[] r : regions) {
                List<FreeSpaceCarver.Carved> once = perPage.carve(data, r[0], r[1], r[2] == 1, t, tableTree);
                perRegion.enterPage();
                List<FreeSpaceCarver.Carved> each = perRegion.carve(data, r[0], r[1], r[2] == 1, t, tableTree);
                assertEquals(describe(each), describe(once), file + " page " + n + " region " + r[0]);
                carved += once.size();
            }
        }
        return carved;
    }

    @Test
    void onePageReadGivesTheCellsOfOneReadPerRegion() throws IOException {
        List<Path> dbs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(GroundTruth.fixturesDir())) {
            s.filter(p -> p.toString().endsWith(".db")).sorted().forEach(dbs::add);
        }
        Path corpus = Path.of(System.getenv().getOrDefault("SALVOR_SHARED", "/nonexistent"), "corpora",
                "sqlite-forensic-corpus-v1");
        if (Files.isDirectory(corpus)) {
            try (Stream<Path> s = Files.walk(corpus)) {
                s.filter(p -> p.toString().endsWith(".db")).sorted().forEach(dbs::add);
            }
        }
        int carved = 0;
        for (Path db : dbs) {
            carved += compare(db);
        }
        assertTrue(carved > 100, "cells carved: " + carved); // the comparison saw real deleted cells
    }
}
