package dev.salvor.salvage;

import dev.salvor.formats.core.SpillStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Spills engine runs to temporary files ({@code salvor-run-*.bin}) in the system temporary directory, never beside
 * the evidence; each file is deleted when its run is closed.
 */
public final class TempFileSpillStore implements SpillStore {

    /** A store whose runs go to the default temporary-file directory. */
    public TempFileSpillStore() {
    }

    @Override
    public Run create() throws IOException {
        return new FileRun(Files.createTempFile("salvor-run-", ".bin"));
    }

    private record FileRun(Path file) implements Run {
        @Override
        public OutputStream output() throws IOException {
            return Files.newOutputStream(file);
        }

        @Override
        public InputStream input() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(file);
        }
    }
}
