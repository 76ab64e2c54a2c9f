package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.DamageSink;
import dev.salvor.formats.core.Limits;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The comparator name a database's MANIFEST records, read cheaply: LevelDB writes it in the first version edit of
 * every MANIFEST (tag 1), so only the first few records of one MANIFEST are read — CURRENT's, else the
 * highest-numbered one. Damage met on the way is not reported here (the checker and salvager report it when they
 * read the whole file); a MANIFEST that cannot be read gives no name.
 */
public final class ManifestComparator {
    /** Records read at most before giving up (the name is in the first one in every MANIFEST LevelDB writes). */
    static final int MAX_RECORDS = 8;

    private ManifestComparator() {
    }

    /** The comparator name of {@code layout}'s MANIFEST, if one can be read. */
    public static Optional<String> name(LevelDbLayout layout, Limits limits) throws IOException {
        List<LevelDbFile> manifests = new java.util.ArrayList<>(layout.files(FileRole.MANIFEST));
        manifests.sort(Comparator.comparing((LevelDbFile f) -> !layout.isCurrentManifest(f))
                .thenComparing(Comparator.comparingLong(LevelDbFile::number).reversed()));
        for (LevelDbFile f : manifests) {
            Optional<String> name = read(f, limits);
            if (name.isPresent()) {
                return name;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> read(LevelDbFile f, Limits limits) throws IOException {
        String[] found = {null};
        int[] records = {0};
        try (ByteSource src = f.member().open()) {
            new LogReader(src, DamageSink.collectingInto(new java.util.ArrayList<>()), limits).read(rec -> {
                if (found[0] != null || records[0]++ >= MAX_RECORDS || !rec.crcOk()) {
                    throw new Stop();
                }
                VersionEdit e = VersionEdit.decode(rec.payload(), f.name(), rec.offset(),
                        DamageSink.collectingInto(new java.util.ArrayList<>()));
                e.comparator().ifPresent(c -> found[0] = c);
            });
        } catch (Stop stop) {
            // the name is found, or it is not in the first records
        } catch (RuntimeException e) {
            return Optional.empty(); // a MANIFEST that does not read gives no name; the checker reports why
        }
        return Optional.ofNullable(found[0]);
    }

    /** Ends the read early. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }
}
