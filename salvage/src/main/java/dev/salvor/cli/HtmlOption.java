package dev.salvor.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --html REPORT.html}: the run as one self-contained HTML page (check and salvage). */
final class HtmlOption {
    @Option(names = "--html", paramLabel = "REPORT.html", description = "Also write the run as one self-contained"
            + " HTML page (atomically): verdict, inputs with SHA-256, counts, a map of every file (verified, damaged,"
            + " free... units, offsets on hover) and the damage list. Needs no network to open.")
    Path file;
}
