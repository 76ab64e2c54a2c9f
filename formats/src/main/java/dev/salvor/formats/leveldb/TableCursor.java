package dev.salvor.formats.leveldb;

import dev.salvor.formats.core.ByteSource;
import dev.salvor.formats.core.CorruptionException;
import dev.salvor.formats.core.Damage;
import dev.salvor.formats.core.DamageKind;
import dev.salvor.formats.core.Limits;
import dev.salvor.formats.core.FileResult;
import dev.salvor.formats.core.ProgressCounter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks one table's data blocks lazily, one block in memory at a time, yielding its trusted entries in internal-key
 * order for the merge.
 *
 * <p>Entries that cannot take part in an ordered merge are handed to {@code sideline} instead: entries of a block
 * whose CRC failed (their bytes are unproven, and a damaged key may sort anywhere) and entries out of order (a
 * comparator other than the one the cursor was given, or damage that slipped past the CRC). The merge sorts the
 * sidelined entries itself.
 *
 * <p>A <em>gap</em> opens when a data block is lost or fails its CRC: every user key between the last trusted key
 * before it and the first trusted key after it may have had a newer version in the lost block. The merge asks
 * {@link #inGap} to mark such records {@code maybe_stale}.
 *
 * <p>Progress: once {@link #countOn} names the merge phase's position in this table, each block taken moves it; the
 * rest of the file (index, filter, footer, what damage made unreadable) counts once the last block is taken.
 */
final class TableCursor implements EntryCursor {
    private final TableReader reader;
    private final LevelDbFile file;
    private final int level;
    private final FileResult result;
    private final Consumer<Entry> sideline;
    private final List<DataBlockRef> blocks;
    private final java.util.concurrent.Executor executor;
    private ProgressCounter.Sequential position;
    /** End of the last block taken (with its trailer). */
    private long takenEnd;
    private CompletableFuture<Loaded> prefetch;
    private int nextBlock;
    private final ArrayDeque<Entry> buffered = new ArrayDeque<>();
    private Entry last;
    private boolean gapOpen;
    private byte[] gapFrom;
    long entries;
    long blocksDamaged;
    long bytesVerified;

    private final UserKeyOrder keyOrder;
    private final java.util.Comparator<Entry> order;

    TableCursor(ByteSource src, LevelDbFile file, int level, Limits limits, FileResult result,
                Consumer<Entry> sideline, java.util.concurrent.Executor executor) {
        this(src, file, level, limits, result, sideline, executor, UserKeyOrder.BYTEWISE);
    }

    /** A cursor that expects the table's keys in {@code keyOrder} (the database's comparator). */
    TableCursor(ByteSource src, LevelDbFile file, int level, Limits limits, FileResult result,
                Consumer<Entry> sideline, java.util.concurrent.Executor executor, UserKeyOrder keyOrder) {
        this.keyOrder = keyOrder;
        this.order = Entry.internalOrder(keyOrder);
        this.executor = executor;
        this.reader = new TableReader(src, result::addDamage, limits);
        this.file = file;
        this.level = level;
        this.result = result;
        this.sideline = sideline;
        this.blocks = reader.dataBlocks();
        LevelDbUnits.structure(result.map(), reader.layout());
        fill();
    }

    /** The next trusted entry, or null at the end of the table. */
    @Override
    public Entry peek() {
        return buffered.peekFirst();
    }

    @Override
    public Entry next() {
        Entry e = buffered.pollFirst();
        if (e != null) {
            gapOpen = false;
            last = e;
        }
        if (buffered.isEmpty()) {
            fill();
        }
        return e;
    }

    /**
     * From now on, the blocks taken move {@code position} (the merge phase's position in this table); what was taken
     * already counts at once, and all of the table when nothing is left to take.
     */
    void countOn(ProgressCounter.Sequential position) {
        this.position = position;
        moved();
    }

    private void moved() {
        if (position != null) {
            position.at(takenEnd);
            if (nextBlock == blocks.size()) {
                position.end();
            }
        }
    }

    /** Records the units verified into the file's result once the cursor is drained. */
    void finish() {
        result.units(blocks.size(), blocksDamaged, bytesVerified).fact("data_blocks", blocks.size())
                .fact("entries", entries);
    }

    /** True when {@code userKey} lies in this table's open gap (after the last trusted key, before the next). */
    boolean inGap(byte[] userKey) {
        if (!gapOpen) {
            return false;
        }
        if (gapFrom != null && keyOrder.compare(userKey, gapFrom) < 0) {
            return false;
        }
        Entry head = peek();
        return head == null || keyOrder.compare(userKey, head.userKey()) <= 0;
    }

    boolean gapOpen() {
        return gapOpen;
    }

    /** One data block read and converted to entries, possibly on a worker thread. */
    private record Loaded(DataBlockRef ref, boolean failed, boolean crcOk, List<Entry> entries) {
    }

    /** Reads and decodes one block; damage goes to the (synchronised) file result. Safe on any thread. */
    private Loaded load(DataBlockRef ref) {
        DecodedDataBlock block;
        try {
            block = reader.readDataBlock(ref);
        } catch (CorruptionException e) {
            result.addDamage(e.damage());
            LevelDbUnits.dataBlock(result.map(), ref, false);
            return new Loaded(ref, true, false, List.of());
        }
        LevelDbUnits.dataBlock(result.map(), ref, block.crcOk());
        List<Entry> out = new ArrayList<>(block.entries().size());
        for (TableEntry te : block.entries()) {
            if (te.key() == null) {
                result.addDamage(Damage.of(file.name(), te.blockOffset(), ref.size(), DamageKind.BAD_KEY,
                        "table entry at +" + te.offsetInBlock() + " has an undecodable internal key; skipped"));
                continue;
            }
            out.add(new Entry(te.key().userKey(), te.key().sequence(), te.key().type(), te.value(), file.name(),
                    EntryUnit.TABLE, te.blockOffset(), te.offsetInBlock(), te.crcOk() && block.crcOk(), level));
        }
        return new Loaded(ref, false, block.crcOk(), out);
    }

    /** The next block, taken from the prefetch when there is one; then starts decoding the block after it. */
    private Loaded nextLoaded() {
        DataBlockRef ref = blocks.get(nextBlock++);
        Loaded l;
        if (prefetch != null) {
            l = prefetch.join();
            prefetch = null;
        } else {
            l = load(ref);
        }
        if (executor != null && nextBlock < blocks.size()) {
            DataBlockRef following = blocks.get(nextBlock);
            prefetch = CompletableFuture.supplyAsync(() -> load(following), executor);
        }
        return l;
    }

    private void fill() {
        while (buffered.isEmpty() && nextBlock < blocks.size()) {
            Loaded block = nextLoaded();
            takenEnd = block.ref().endWithTrailer();
            moved();
            if (block.failed()) {
                openGap();
                blocksDamaged++;
                continue;
            }
            if (!block.crcOk()) {
                openGap();
                blocksDamaged++;
            } else {
                bytesVerified += block.ref().size() + 5L;
            }
            Entry prev = last;
            for (Entry e : block.entries()) {
                entries++;
                if (!e.crcOk() || (prev != null && order.compare(prev, e) > 0)) {
                    sideline.accept(e);
                } else {
                    buffered.addLast(e);
                    prev = e;
                }
            }
        }
    }

    private void openGap() {
        if (!gapOpen) {
            gapOpen = true;
            gapFrom = last == null ? null : last.userKey();
        }
    }
}
