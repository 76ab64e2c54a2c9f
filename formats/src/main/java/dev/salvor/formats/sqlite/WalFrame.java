package dev.salvor.formats.sqlite;

/**
 * One WAL frame: a 24-byte header (big-endian u32s) followed by one page image, and what the reader concluded.
 *
 * <pre>
 * off field
 *   0 page number
 *   4 for commit frames, the database size in pages after the commit; 0 otherwise
 *   8 salt-1 (must equal the header's)
 *  12 salt-2 (must equal the header's)
 *  16 checksum-1 } cumulative: seeded with the previous frame's checksum (the header's for frame 0),
 *  20 checksum-2 } over frame header bytes 0..7 and the page data
 * </pre>
 *
 * @param index      0-based frame index
 * @param offset     file offset of the frame header
 * @param pageNumber page the frame holds
 * @param commitSize database size after commit (non-zero marks a commit frame)
 * @param status     how the frame counts
 */
public record WalFrame(int index, long offset, long pageNumber, long commitSize, int salt1, int salt2,
                       Status status) {

    /** Frame header size. */
    public static final int HEADER_SIZE = 24;

    /** How a frame counts. */
    public enum Status {
        /** In the valid prefix, up to and including the last valid commit frame. */
        COMMITTED,
        /** Valid salts and checksum chain, but after the last commit frame (a transaction that never committed). */
        UNCOMMITTED,
        /** Current salts but the checksum chain is broken here or before (torn write, damage): never trusted. */
        BROKEN,
        /** Salts of an older WAL generation: history left behind by a WAL reset. */
        OLD_GENERATION
    }

    public boolean isCommit() {
        return commitSize != 0;
    }
}
