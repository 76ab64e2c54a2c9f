package dev.salvor.formats.examples;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.leveldb.TableReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lists every entry of one LevelDB table file ({@code .ldb} or {@code .sst}), then the damage found in it. */
public final class ListTable {

    public static void main(String[] args) throws IOException {
        list(Path.of(args[0]), System.out);
    }

    static void list(Path tableFile, PrintStream out) throws IOException {
        List<Damage> damage = new ArrayList<>();
        try (ByteSource table = ByteSource.open(tableFile)) { // read-only, memory-mapped
            TableReader reader = new TableReader(table, DamageSink.collectingInto(damage), Limits.DEFAULT);
            // Every entry of every data block in file order; a block whose checksum fails still gives the
            // entries that parse, with crcOk=false.
            reader.scan(e -> out.println(e.key() + " value=" + e.value().length + " bytes, block at "
                    + e.blockOffset() + ", crcOk=" + e.crcOk()));
        }
        damage.forEach(d -> out.println("damage: " + d));
    }
}
