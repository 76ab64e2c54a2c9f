/**
 * salvor's parser library: read-only, byte-level parsers for damaged databases.
 *
 * <p>Every parser reads from a {@link dev.salvor.formats.core.ByteSource} (never writes), reports every damage it
 * finds as a {@link dev.salvor.formats.core.Damage} to a {@link dev.salvor.formats.core.DamageSink} and checks every
 * size read from a file against {@link dev.salvor.formats.core.Limits} before allocating. Strict callers use
 * {@link dev.salvor.formats.core.DamageSink#STRICT}, which throws a
 * {@link dev.salvor.formats.core.CorruptionException}; salvage callers collect the damage and keep reading.
 *
 * <p>Formats live in sub-packages named after them: {@code dev.salvor.formats.leveldb}, ...
 */
package dev.salvor.formats;
