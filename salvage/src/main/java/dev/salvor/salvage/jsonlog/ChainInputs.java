package dev.salvor.salvage.jsonlog;

import dev.salvor.formats.core.SourceSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs a handler has described ({@link ChainInput#of}), so that detection, the list of input files and the
 * run list and probe each input once. An entry is used only while the input looks unchanged - the same size,
 * modification time and file key of the input itself (a directory's changes when entries come or go) and of every
 * file whose head was probed - and a run takes it out, so a later run reads the input afresh. At most
 * {@link #MAX_ENTRIES} inputs are kept (the oldest is dropped). Thread-safe.
 */
final class ChainInputs {

    /** Inputs remembered between detection and their run. */
    static final int MAX_ENTRIES = 64;

    private record Entry(ChainInput input, List<Object> stamp) {
    }

    private final Map<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The description of {@code path}, remembered for later calls. */
    ChainInput get(Path path) throws IOException {
        Entry e;
        synchronized (entries) {
            e = entries.get(path);
        }
        if (e != null && e.stamp().equals(stamp(path, e.input()))) {
            return e.input();
        }
        ChainInput in = ChainInput.of(path);
        synchronized (entries) {
            entries.put(path, new Entry(in, stamp(path, in)));
        }
        return in;
    }

    /** The description of {@code path} for its run; forgotten afterwards. */
    ChainInput take(Path path) throws IOException {
        ChainInput in = get(path);
        synchronized (entries) {
            entries.remove(path);
        }
        return in;
    }

    /** What must not change for a description to stay valid: the input and the files whose heads were read. */
    private static List<Object> stamp(Path path, ChainInput in) {
        List<Object> s = new ArrayList<>();
        s.add(attributes(path));
        List<SourceSet.Member> probed = in.kind() == ChainInput.Kind.DIRECTORY
                ? in.dir().segments().subList(0, Math.min(ChainInput.SEGMENTS_PROBED, in.dir().segments().size()))
                : List.of();
        for (SourceSet.Member m : probed) {
            s.add(m.path().map(ChainInputs::attributes).orElse(null));
        }
        return s;
    }

    private static List<Object> attributes(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return Arrays.asList(a.size(), a.lastModifiedTime(), a.fileKey(), a.isDirectory());
        } catch (IOException e) {
            return List.of("unreadable");
        }
    }
}
