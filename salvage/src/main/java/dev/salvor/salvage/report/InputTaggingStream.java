package dev.salvor.salvage.report;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JSON Lines of one input when a run reads several: every record's opening brace becomes
 * <code>{"input":"&lt;the input as given&gt;",</code>, so each record names the input it came from. Records are one
 * JSON object per line, each starting with <code>{</code>; the stream only looks for line starts. Closing flushes and
 * leaves the underlying stream open (it belongs to the run).
 */
public final class InputTaggingStream extends FilterOutputStream {
    private final byte[] prefix;
    private boolean atLineStart = true;

    public InputTaggingStream(OutputStream out, String input) {
        super(out);
        JsonLineWriter w = new JsonLineWriter(64 + input.length());
        w.beginRecord();
        w.name(JsonLineWriter.Name.of("input"));
        w.string(input);
        byte[] opened = w.toByteArray();
        prefix = new byte[opened.length + 1];
        System.arraycopy(opened, 0, prefix, 0, opened.length);
        prefix[opened.length] = ',';
    }

    /** The bytes that replace each record's opening brace (for tests). */
    String prefix() {
        return new String(prefix, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int from = off;
        for (int i = off; i < end; i++) {
            if (atLineStart && b[i] == '{') {
                out.write(b, from, i - from);
                out.write(prefix);
                from = i + 1;
            }
            atLineStart = b[i] == '\n';
        }
        out.write(b, from, end - from);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
