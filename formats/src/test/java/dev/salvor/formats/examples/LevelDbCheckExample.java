package dev.salvor.formats.examples;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.SourceSet;
import dev.salvor.formats.leveldb.LevelDbChecker;
import dev.salvor.formats.leveldb.LevelDbLayout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The README's check of a whole LevelDB database directory. */
final class LevelDbCheckExample {

    /** What the check found: one result per file, and every damage. */
    record Checked(List<FileResult> files, List<Damage> damage) {
    }

    private LevelDbCheckExample() {
    }

    static Checked check(Path dbDir) throws IOException {
        // tag::leveldb-check[]
        LevelDbLayout layout = LevelDbLayout.of(SourceSet.of(dbDir)); // its files, recognised by content
        List<FileResult> files = new LevelDbChecker(layout, Limits.DEFAULT, 2).run(bytesDone -> { });
        List<Damage> damage = new ArrayList<>(layout.damages()); // CURRENT and the directory as a whole
        files.forEach(f -> damage.addAll(f.damages()));          // each file: records, blocks, MANIFEST cross-checks
        // end::leveldb-check[]
        return new Checked(files, damage);
    }
}
