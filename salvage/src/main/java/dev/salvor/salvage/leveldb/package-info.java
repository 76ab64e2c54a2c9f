/**
 * The LevelDB adapter of the pipeline: {@link dev.salvor.salvage.leveldb.LevelDbHandler} runs the engine of
 * {@code dev.salvor.formats.leveldb} (layout, checker, salvager) on an input and writes its classified records as
 * JSON Lines ({@link dev.salvor.salvage.leveldb.JsonLinesRecordSink}).
 */
package dev.salvor.salvage.leveldb;
