/**
 * Chromium's storage on LevelDB (Chrome, Edge and every Electron application): IndexedDB
 * ({@code IndexedDB/<origin>.indexeddb.leveldb}, comparator {@code idb_cmp1}), Local Storage
 * ({@code Local Storage/leveldb}) and Session Storage ({@code Session Storage/}), as a layer over the LevelDB engine's
 * records: nothing here reads bytes from disk except {@link dev.salvor.formats.chromium.ChromiumStore}'s bounded key
 * sample.
 *
 * <ul>
 *   <li>{@link dev.salvor.formats.chromium.ChromiumStore} says which store a database is, by content;</li>
 *   <li>IndexedDB keys: {@link dev.salvor.formats.chromium.KeyPrefix},
 *       {@link dev.salvor.formats.chromium.IdbRecordKey} (every key kind), {@link dev.salvor.formats.chromium.IdbKey}
 *       and {@link dev.salvor.formats.chromium.IndexedDbKeyDecoder} (the LevelDB backend's encoding and the SQLite
 *       backend's sortable one), {@link dev.salvor.formats.chromium.IdbComparator} ({@code idb_cmp1}, plugged into the
 *       LevelDB checker and salvager as a {@link dev.salvor.formats.leveldb.UserKeyOrder});</li>
 *   <li>IndexedDB metadata and records: {@link dev.salvor.formats.chromium.IndexedDbCatalog} (databases, object
 *       stores, indexes) and {@link dev.salvor.formats.chromium.IndexedDbRecord} (one version, decoded and named);
 *       {@link dev.salvor.formats.chromium.ScopesEntry} (the undo log: a task's target key and the value it would put
 *       back);</li>
 *   <li>{@link dev.salvor.formats.chromium.LocalStorageRecord}, {@link dev.salvor.formats.chromium.SessionStorageRecord}
 *       and {@link dev.salvor.formats.chromium.SessionStorageMaps} (orphan maps),
 *       {@link dev.salvor.formats.chromium.StorageKey} (partitioned storage keys).</li>
 * </ul>
 * Decoding is record by record: what does not decode is reported in the record's {@code problem} and never stops the
 * rest. Values (Blink/V8 serialization) are left as bytes here.
 */
package dev.salvor.formats.chromium;
