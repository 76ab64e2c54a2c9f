package dev.salvor.formats.leveldb;

import java.util.Arrays;
import java.util.Objects;

/**
 * One operation of a {@link WriteBatch}.
 *
 * @param sequence the batch's sequence number plus {@code index}
 * @param type     {@link ValueType#VALUE} for a Put, {@link ValueType#DELETION} for a Delete
 * @param key      the user key
 * @param value    the value of a Put; {@code null} for a Delete
 * @param index    position of the entry in its batch (0-based)
 */
public record BatchEntry(long sequence, ValueType type, byte[] key, byte[] value, int index) {

    /** Checks that the required components are not null. */
    public BatchEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchEntry e && e.sequence == sequence && e.type == type && e.index == index
                && Arrays.equals(e.key, key) && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, type, index) * 961 + Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "BatchEntry[#" + index + " seq=" + sequence + " " + (type == ValueType.VALUE ? "put" : "delete") + " '"
                + InternalKey.printable(key) + "'" + (value == null ? "" : " (" + value.length + " bytes)") + "]";
    }
}
