package dev.salvor.formats.examples;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the README's "Use as a library" section and the example sources in this package identical: every
 * {@code java} block of the section is an example file shown whole or a region between {@code // tag::NAME[]} and
 * {@code // end::NAME[]} (indentation removed), and every example (each tagged region, each untagged example file)
 * is shown. The tests beside this one run the examples, so the README shows only code that compiles and works.
 */
class ReadmeExamplesTest {
    private static final String SECTION = "## Use as a library";
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final Pattern TAG = Pattern.compile("(?m)^\\s*// tag::([\\w-]+)\\[]\\n(.*?)^\\s*// end::\\1\\[]$",
            Pattern.DOTALL);

    @Test
    void everyJavaBlockOfTheLibrarySectionIsAnExampleAndEveryExampleIsShown() throws IOException {
        List<String> blocks = readmeBlocks();
        Map<String, String> examples = examples();
        assertFalse(examples.isEmpty());

        List<String> unknown = new ArrayList<>();
        for (String block : blocks) {
            if (!examples.containsValue(block)) {
                unknown.add(block);
            }
        }
        assertEquals(List.of(), unknown, "README java blocks that are no example source (edit them here first)");
        List<String> notShown = new ArrayList<>();
        examples.forEach((name, code) -> {
            if (!blocks.contains(code)) {
                notShown.add(name);
            }
        });
        assertEquals(List.of(), notShown, "examples missing from the README's \"" + SECTION + "\" section");
    }

    /** The {@code java} blocks of the README's library section. */
    private static List<String> readmeBlocks() throws IOException {
        String readme = Files.readString(Fixtures.repoRoot().resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n" + SECTION + "\n");
        assertTrue(start >= 0, "README.md has no \"" + SECTION + "\" section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertFalse(blocks.isEmpty(), "no java block in the README's library section");
        return blocks;
    }

    /** Each tagged region of the example sources, and each untagged example file whole, by name. */
    private static Map<String, String> examples() throws IOException {
        Path dir = Fixtures.repoRoot().resolve("formats/src/test/java/dev/salvor/formats/examples");
        Map<String, String> examples = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".java") && !p.toString().endsWith("Test.java"))
                    .sorted().toList();
        }
        for (Path f : files) {
            String code = Files.readString(f, StandardCharsets.UTF_8);
            Matcher m = TAG.matcher(code);
            boolean tagged = false;
            while (m.find()) {
                tagged = true;
                examples.put(f.getFileName() + "#" + m.group(1), dedent(m.group(2)));
            }
            if (!tagged) {
                examples.put(f.getFileName().toString(), code);
            }
        }
        return examples;
    }

    /** {@code lines} without the indentation common to its non-blank lines. */
    private static String dedent(String lines) {
        int indent = lines.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        lines.lines().forEach(l -> sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return sb.toString();
    }
}
