/**
 * LevelDB on-disk formats, one class per structure, named as in the specification
 * (<a href="https://github.com/google/leveldb/blob/main/doc/log_format.md">doc/log_format.md</a>,
 * <a href="https://github.com/google/leveldb/blob/main/doc/table_format.md">doc/table_format.md</a>).
 *
 * <ul>
 *   <li>Logs ({@code NNNNNN.log}, {@code MANIFEST-NNNNNN}): {@link dev.salvor.formats.leveldb.LogReader} yields
 *       {@link dev.salvor.formats.leveldb.LogicalRecord}s; {@link dev.salvor.formats.leveldb.WriteBatch} and
 *       {@link dev.salvor.formats.leveldb.VersionEdit} decode their payloads.</li>
 *   <li>Tables ({@code .ldb}, {@code .sst}): {@link dev.salvor.formats.leveldb.TableReader} finds data blocks through
 *       {@link dev.salvor.formats.leveldb.Footer} and the index, or by scanning for blocks whose
 *       {@link dev.salvor.formats.leveldb.BlockTrailer} verifies, and decodes {@link dev.salvor.formats.leveldb.Block}s
 *       into {@link dev.salvor.formats.leveldb.TableEntry}s keyed by {@link dev.salvor.formats.leveldb.InternalKey}.</li>
 *   <li>A database: {@link dev.salvor.formats.leveldb.LevelDbLayout} decides what each file of a
 *       {@link dev.salvor.formats.core.SourceSet} is, by content first;
 *       {@link dev.salvor.formats.leveldb.LevelDbChecker} verifies every file and cross-checks the MANIFEST;
 *       {@link dev.salvor.formats.leveldb.LevelDbSalvager} merges every log and table entry in internal-key order and
 *       classifies each version ({@link dev.salvor.formats.leveldb.RecordState}) into a
 *       {@link dev.salvor.formats.leveldb.RecordSink}, with a per-file {@link dev.salvor.formats.core.FileResult}.</li>
 * </ul>
 */
package dev.salvor.formats.leveldb;
