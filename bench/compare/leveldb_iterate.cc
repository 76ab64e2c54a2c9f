// leveldb_iterate: the reference "read everything, check everything" pass of the real C++ LevelDB,
// for bench/compare/compare-leveldb.sh.
//
// Usage: leveldb_iterate DIR
//
// Build: g++ -O2 -std=c++17 leveldb_iterate.cc -o leveldb_iterate -lleveldb -lsnappy -lpthread
//
// Opens DIR with Options.paranoid_checks=true (create_if_missing=false), then walks one iterator from
// the first key to the last with ReadOptions.verify_checksums=true and fill_cache=false, touching every
// key and value. Prints one JSON line:
//   {"tool":"leveldb_iterate","status":"ok","keys":N,"key_bytes":K,"value_bytes":V,"bytes":K+V,
//    "open_seconds":O,"seconds":S,"total_seconds":O+S}
// where "seconds" is the iteration alone (std::chrono::steady_clock) and "total_seconds" adds DB::Open.
// Exit status 0 when the iteration finished with an OK status, 2 on any error (reported as JSON with
// "status":"error" and the message).
//
// WARNING: LevelDB writes when it opens (replays the log into a new table, writes a new MANIFEST,
// deletes obsolete files). Never point this at evidence; the comparison script runs it on a copy.
#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace {

std::string jsonEscape(const std::string& in) {
  std::string out;
  for (unsigned char c : in) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

int fail(const char* stage, const leveldb::Status& s) {
  std::printf("{\"tool\":\"leveldb_iterate\",\"status\":\"error\",\"stage\":\"%s\",\"message\":\"%s\"}\n",
              stage, jsonEscape(s.ToString()).c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 64;
  }
  using Clock = std::chrono::steady_clock;

  leveldb::Options options;
  options.create_if_missing = false;
  options.paranoid_checks = true;

  const auto t0 = Clock::now();
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, argv[1], &raw);
  if (!s.ok()) return fail("open", s);
  std::unique_ptr<leveldb::DB> db(raw);
  const auto t1 = Clock::now();

  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  uint64_t keys = 0, keyBytes = 0, valueBytes = 0;
  {
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      keys++;
      keyBytes += it->key().size();
      valueBytes += it->value().size();
    }
    s = it->status();
  }
  const auto t2 = Clock::now();
  if (!s.ok()) return fail("iterate", s);

  const double openSeconds = std::chrono::duration<double>(t1 - t0).count();
  const double iterSeconds = std::chrono::duration<double>(t2 - t1).count();
  std::printf(
      "{\"tool\":\"leveldb_iterate\",\"status\":\"ok\",\"keys\":%" PRIu64 ",\"key_bytes\":%" PRIu64
      ",\"value_bytes\":%" PRIu64 ",\"bytes\":%" PRIu64
      ",\"open_seconds\":%.3f,\"seconds\":%.3f,\"total_seconds\":%.3f}\n",
      keys, keyBytes, valueBytes, keyBytes + valueBytes, openSeconds, iterSeconds,
      openSeconds + iterSeconds);
  return 0;
}
