package dev.salvor.formats.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where an engine puts intermediate data past its memory bound, e.g. the sorted runs of write-ahead log entries
 * while a LevelDB database is salvaged. Where those bytes live is the caller's policy, not the engine's: a command-line
 * tool uses temporary files away from the evidence, a test may keep them in memory. Engines never pick a location.
 */
public interface SpillStore {

    /** A new, empty run. */
    Run create() throws IOException;

    /** One run: written once through {@link #output()}, then read back once through {@link #input()}. */
    interface Run extends Closeable {

        /** The stream that writes the run; called once. The engine closes it before reading. */
        OutputStream output() throws IOException;

        /** Reads the run from its start; called once, after the output was closed. The engine closes it. */
        InputStream input() throws IOException;

        /** Releases the run's storage (a temporary file is deleted). */
        @Override
        void close() throws IOException;
    }
}
