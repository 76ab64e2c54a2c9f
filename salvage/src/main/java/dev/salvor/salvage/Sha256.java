package dev.salvor.salvage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** SHA-256 helpers (JDK intrinsic). */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Lower-case hex SHA-256 of the bytes of {@code source} (read in chunks of at most 1 MiB). */
    public static String of(dev.salvor.formats.core.ByteSource source) {
        return of(source, n -> { });
    }

    /** As {@link #of(dev.salvor.formats.core.ByteSource)}; {@code hashed} receives the size of every chunk hashed. */
    public static String of(dev.salvor.formats.core.ByteSource source, LongConsumer hashed) {
        MessageDigest md = newDigest();
        byte[] buf = new byte[(int) Math.max(8192, Math.min(1 << 20, source.size()))];
        for (long pos = 0; pos < source.size(); ) {
            int n = (int) Math.min(buf.length, source.size() - pos);
            source.read(pos, buf, 0, n);
            md.update(buf, 0, n);
            hashed.accept(n);
            pos += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex SHA-256 of a file's content, read with a plain read-only stream. */
    public static String ofFile(Path file) throws IOException {
        return ofFile(file, n -> { });
    }

    /** As {@link #ofFile(Path)}; {@code hashed} receives the size of every chunk hashed (at most 1 MiB each). */
    public static String ofFile(Path file, LongConsumer hashed) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[(int) Math.max(8192, Math.min(1 << 20, Files.size(file)))];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                hashed.accept(n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
