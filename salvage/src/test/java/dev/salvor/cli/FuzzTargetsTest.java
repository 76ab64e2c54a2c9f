package dev.salvor.cli;

import dev.salvor.fixtures.FuzzCorpus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fuzz registry ({@code fixtures/fuzz/targets.tsv}), the corpus folders and this module's fuzz test classes
 * agree: every target of module {@code salvage} names an existing {@code @FuzzTest} method with a
 * {@code <method>Regression} replay, every target has inputs, and no folder is left unregistered.
 */
class FuzzTargetsTest {
    @Test
    void registryFoldersAndFuzzTestsAgree() {
        List<String> problems = FuzzCorpus.problems("salvage");
        assertEquals(List.of(), problems, String.join("\n", problems));
    }
}
