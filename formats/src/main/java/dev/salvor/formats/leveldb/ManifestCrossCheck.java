package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.FileResult;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Level-3 check: the live tables the current MANIFEST lists exist, with the sizes it records. */
final class ManifestCrossCheck {
    private ManifestCrossCheck() {
    }

    static void run(LevelDbLayout layout, ManifestState manifest, Function<LevelDbFile, FileResult> results) {
        if (manifest == null) {
            return;
        }
        LevelDbFile mf = layout.files(FileRole.MANIFEST).stream()
                .filter(layout::isCurrentManifest)
                .findFirst().orElse(null);
        if (mf == null) {
            return;
        }
        Map<Long, LevelDbFile> tables = new HashMap<>();
        for (LevelDbFile f : layout.files(FileRole.TABLE)) {
            tables.put(f.number(), f);
        }
        // The log the MANIFEST names as current holds every write not yet in a table; LevelDB keeps it until a
        // newer log replaces it, so its absence (with no newer log) means lost writes.
        long logNumber = manifest.logNumber();
        boolean logPresent = layout.files(FileRole.LOG).stream().anyMatch(f -> f.number() >= logNumber);
        if (logNumber > 0 && !logPresent) {
            results.apply(mf).addDamage(new Damage(mf.name(), -1, 0, DamageKind.MISSING_FILE,
                    String.format("%06d.log (or a newer log)", logNumber), "missing",
                    "the write-ahead log the MANIFEST names as current is not in the directory: writes made after"
                    + " the last flush are lost"));
        }
        for (FileMetaData m : manifest.liveFiles().values()) {
            LevelDbFile t = tables.get(m.number());
            if (t == null) {
                results.apply(mf).addDamage(new Damage(mf.name(), -1, 0, DamageKind.MISSING_FILE, "present",
                        "missing", String.format("table %06d (level %d) listed as live by the MANIFEST is not in"
                        + " the directory", m.number(), m.level())));
            } else if (t.size() != m.fileSize()) {
                results.apply(t).addDamage(new Damage(t.name(), -1, 0, DamageKind.BAD_LENGTH,
                        Long.toString(m.fileSize()), Long.toString(t.size()),
                        "table size differs from the size the MANIFEST records (truncated or appended)"));
            }
        }
    }
}
