package dev.salvor.salvage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * I/O errors as a specialist reads them: {@code cannot read app.db: permission denied}, never a Java class name or a
 * hidden temporary file's name.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** {@code cannot read <path>: <reason>}. */
    public static String cannotRead(Path path, Throwable e) {
        return "cannot read " + path + ": " + reason(e);
    }

    /** {@code cannot write <path>: <reason>}, the path being the one the user named. */
    public static String cannotWrite(Path path, Throwable e) {
        return "cannot write " + path + ": " + reason(e);
    }

    /** The reason alone ({@code permission denied}, {@code no such file or directory}, ...). */
    public static String reason(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return reason(u.getCause());
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            String r = fs.getReason();
            return r.isEmpty() ? r : Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** True when {@code e} (or a cause) is an I/O error rather than a bug. */
    public static boolean isIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }
}
