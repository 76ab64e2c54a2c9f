package dev.salvor.salvage.jsonlog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.salvor.fixtures.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The event-log fixtures as the directories they stand for (a damaged case is its base plus its own files). */
final class JsonLogFixtures {
    private JsonLogFixtures() {
    }

    /** The fixture {@code name} as a directory under {@code tmp}: its base's files, minus {@code removed}, overlaid. */
    static Path assemble(String name, Path tmp) throws IOException {
        JsonNode exp = Fixtures.json(Fixtures.path("jsonlog/" + name + "/expected.json"));
        Path dir = Files.createDirectory(tmp.resolve(name));
        Set<String> removed = new HashSet<>();
        exp.get("removed").forEach(n -> removed.add(n.asText()));
        List<Path> from = new ArrayList<>();
        if (!exp.get("base").isNull()) {
            from.add(Fixtures.path("jsonlog/" + exp.get("base").asText()));
        }
        from.add(Fixtures.path("jsonlog/" + name));
        for (Path src : from) {
            try (Stream<Path> s = Files.list(src)) {
                for (Path p : s.toList()) {
                    String f = p.getFileName().toString();
                    if (!f.equals("expected.json") && !removed.contains(f)) {
                        Files.copy(p, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return dir;
    }
}
