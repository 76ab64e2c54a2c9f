package dev.salvor.salvage.chromium;

import dev.salvor.salvage.report.JsonLineWriter.Name;

/**
 * The member names of a record's {@code "indexeddb"} object, shared by both of Chromium's backends (the LevelDB
 * records of {@link IndexedDbJson} and the SQLite rows of {@link IndexedDbSqliteJson}), so that an analyst's query
 * reads the same fields whichever backend wrote the database.
 */
final class IndexedDbMemberNames {
    static final Name MEMBER = Name.of("indexeddb");
    static final Name RECORD = Name.of("record");
    static final Name ORIGIN = Name.of("origin");
    static final Name DATABASE_ID = Name.of("database_id");
    static final Name DATABASE = Name.of("database");
    static final Name OBJECT_STORE_ID = Name.of("object_store_id");
    static final Name OBJECT_STORE = Name.of("object_store");
    static final Name INDEX = Name.of("index");
    static final Name KEY = Name.of("key");
    static final Name PRIMARY_KEY = Name.of("primary_key");
    static final Name VALUE = Name.of("value");
    static final Name PROBLEM = Name.of("problem");

    private IndexedDbMemberNames() {
    }
}
