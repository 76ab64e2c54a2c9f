package dev.salvor.salvage.report;

/**
 * One output a run wrote, for the chain of custody: what it is, where it went, and its size and SHA-256 as written
 * (a stream such as stdout or a FIFO has no path to hash again later, so the hash is taken while writing).
 *
 * @param role   {@code records}, {@code html}, {@code report}, {@code metrics}
 * @param path   the path as the user gave it ({@code -} for stdout)
 * @param size   bytes written
 * @param sha256 SHA-256 of those bytes, lower-case hex
 */
public record OutputFile(String role, String path, long size, String sha256) {
}
