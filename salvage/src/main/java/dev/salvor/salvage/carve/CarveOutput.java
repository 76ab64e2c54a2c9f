package dev.salvor.salvage.carve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.formats.carve.Artifact;
import dev.salvor.formats.core.ByteSource;
import dev.salvor.salvage.AtomicOutput;
import dev.salvor.salvage.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes carved artifacts into a directory, each through {@link AtomicOutput} (temporary file, fsync, rename; never
 * over the image), and then {@code carve-manifest.json}:
 *
 * <pre>
 * {"tool":"salvor","version":..,"image":..,"image_size":N,
 *  "artifacts":[{"file":"0000000000100000.ldb","kind":"leveldb-table","image_offset":N,"length":N,
 *                "sha256":"..","confirmed_by":"..","damage":0}, ...]}
 * </pre>
 */
public final class CarveOutput {
    /** Name of the manifest written into the output directory. */
    public static final String MANIFEST = "carve-manifest.json";

    private CarveOutput() {
    }

    /** One written artifact. */
    public record Written(Artifact artifact, Path file, String sha256) {
    }

    /**
     * Writes every artifact of {@code image} (opened from {@code imagePath}) into {@code dir} (created if absent)
     * and the manifest; returns what was written.
     */
    public static List<Written> write(ByteSource image, Path imagePath, List<Artifact> artifacts, Path dir,
                                      String version) throws IOException {
        Files.createDirectories(dir);
        List<Path> inputs = List.of(imagePath);
        List<Written> written = new ArrayList<>();
        byte[] buf = new byte[1 << 20];
        for (Artifact a : artifacts) {
            Path target = dir.resolve(String.format("%016x.%s", a.offset(), a.kind().extension()));
            MessageDigest md = Sha256.newDigest();
            try (AtomicOutput out = AtomicOutput.open(target, inputs)) {
                OutputStream os = out.stream();
                long pos = a.offset();
                long end = a.end();
                while (pos < end) {
                    int n = (int) Math.min(buf.length, end - pos);
                    image.read(pos, buf, 0, n);
                    md.update(buf, 0, n);
                    os.write(buf, 0, n);
                    pos += n;
                }
                out.commit();
            }
            written.add(new Written(a, target, Sha256.hex(md.digest())));
        }
        try (AtomicOutput out = AtomicOutput.open(dir.resolve(MANIFEST), inputs)) {
            JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out.stream(), JsonEncoding.UTF8);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("tool", "salvor");
            g.writeStringField("version", version);
            g.writeStringField("image", imagePath.toString());
            g.writeNumberField("image_size", image.size());
            g.writeArrayFieldStart("artifacts");
            for (Written w : written) {
                Artifact a = w.artifact();
                g.writeStartObject();
                g.writeStringField("file", w.file().getFileName().toString());
                g.writeStringField("kind", a.kind().id());
                g.writeNumberField("image_offset", a.offset());
                g.writeNumberField("length", a.length());
                g.writeStringField("sha256", w.sha256());
                g.writeStringField("confirmed_by", a.confirmedBy());
                g.writeNumberField("damage", a.damage());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            g.close();
            out.commit();
        }
        return written;
    }
}
