// leveldb_gen: writes a LevelDB database of roughly a requested size of table files with the real
// C++ engine (Debian's libleveldb-dev), for bench/compare/compare-leveldb.sh.
//
// Usage: leveldb_gen DIR [TARGET_TABLE_BYTES=1000000000] [SEED=42] [LAYOUT=compact|natural]
//        leveldb_gen --ops PUTS DELETES DIR [SEED=42]      (issue #14's database, see the end of this header)
//
// Build: g++ -O2 -std=c++17 leveldb_gen.cc -o leveldb_gen -lleveldb -lsnappy -lpthread
//
// What it writes (deterministic sequence of operations for a given seed; the file layout is not
// byte-identical between runs because LevelDB's background compactions depend on timing):
//   - keys "user:%012d" with ids that grow with random gaps (like allocated user ids); about 30 % carry
//     a random suffix ":sess-xxxxxxxx", ":tok-..." etc.;
//   - values of 100..2000 bytes: 50 % compressible JSON-like text, 30 % half text / half random bytes,
//     20 % random bytes (Snappy stores such blocks uncompressed, so the tables mix both kinds);
//   - 8 % of operations overwrite a random existing key, 3 % delete a random existing key.
// Phases:
//   1. bulk: WriteBatch of 1000 operations, sync=false, write buffer of min(64 MiB, target/8), Snappy,
//      default 4 KiB blocks and 2 MiB table files, until live raw bytes x (table bytes on disk / raw
//      bytes flushed) reaches the target (overwritten and deleted versions are dropped by phase 2);
//   2. CompactRange(nullptr, nullptr): everything moves to the deepest level, non-overlapping, so a
//      later open schedules no compaction and the timed iteration is not slowed by background work;
//      the table bytes are then exact, and if they fall short of 98 % of the target, phase 1 resumes
//      with the now exact compression ratio and phase 2 runs again (at most 4 rounds);
//      (LAYOUT=natural skips phase 2: the database keeps the leveled shape LevelDB's own background
//      compactions gave it, with shadowed versions and tombstones spread over several levels, and
//      phase 1 stops when the table bytes on disk plus the memtables' estimated share reach the target);
//   3. tail: about 1 % more operations (new keys, overwrites, deletes), flushed by a CompactRange over
//      an empty key range (it flushes the memtable first and compacts nothing else); LevelDB puts that
//      table in level 0, or up to level 2 when nothing overlaps, and may then compact it one level
//      down (measured at 1 GB: 51 small files in level 2 above 474 in level 3). So the result is
//      "compacted-ish": one deep level plus a thin newer level holding tombstones and shadowing
//      versions, and an empty write-ahead log;
//   4. wait until LevelDB's stats stop changing (no background compaction running) and close.
// Prints one JSON line with the operation counts, files per level and the table bytes found
// ("table_bytes_after_full_compaction" is 0 with LAYOUT=natural).
//
// --ops PUTS DELETES (bench/compare/compare-perf.sh; issue #14 measured 10000000 1000000, ~900 MB, 456
// tables): a fixed count of operations instead of a size target, in batches of 1000 with sync=false,
// Snappy, default options otherwise (4 MiB write buffer, 4 KiB blocks, 2 MiB tables). PUTS new keys
// "k%015d" with ids in random order (a shuffled permutation, so every flush overlaps the key space and
// compactions run as in a real store), values of 64..160 bytes (half JSON-like text, half random bytes:
// Snappy shrinks them by about a third); after every 10th put, one delete of a random key already put,
// until DELETES deletes are done (tombstones for keys deleted twice are written twice). No forced
// compaction: the result keeps the leveled shape LevelDB's background compactions gave it (tombstones and
// shadowed versions over several levels). About 90 bytes of table per put (1000000 puts -> ~90 MB).
#include <leveldb/db.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

// SplitMix64: tiny, fast, and identical on every platform (std:: distributions are not).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (slight modulo bias is irrelevant here).
  uint64_t range(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
  bool chance(unsigned percent) { return next() % 100 < percent; }
};

const char* const kWords[] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
    "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they",
    "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more",
    "when", "will", "would", "who", "so", "no", "relatorio", "incidente", "servidor", "cliente",
    "pedido", "pagamento", "falha", "disco", "recuperacao", "registo", "utilizador", "sessao",
    "lisboa", "porto", "coimbra", "braga", "faro", "account", "order", "invoice", "payment",
    "shipment", "status", "pending", "delivered", "cancelled", "refund", "address", "street",
    "avenue", "city", "country", "portugal", "email", "phone", "created", "updated", "deleted",
    "profile", "settings", "language", "timezone", "notification", "message", "subject", "reply",
    "draft", "archive", "folder", "tag", "label", "priority", "high", "low", "normal", "comment",
};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

void appendText(Rng& rng, std::string& out, size_t n) {
  // JSON-ish record text: compresses roughly 2-3x with Snappy.
  size_t start = out.size();
  char buf[64];
  int k = std::snprintf(buf, sizeof buf, "{\"v\":%" PRIu64 ",\"name\":\"", rng.next() % 1000);
  out.append(buf, k);
  while (out.size() - start < n) {
    out.append(kWords[rng.next() % kWordCount]);
    uint64_t r = rng.next() % 16;
    if (r == 0) {
      out.append("\",\"note\":\"");
    } else if (r == 1) {
      k = std::snprintf(buf, sizeof buf, " %" PRIu64, rng.next() % 100000);
      out.append(buf, k);
    } else {
      out.push_back(' ');
    }
  }
  out.resize(start + n);
}

void appendRandom(Rng& rng, std::string& out, size_t n) {
  size_t start = out.size();
  out.resize(start + n);
  char* p = &out[start];
  while (n >= 8) {
    uint64_t v = rng.next();
    std::memcpy(p, &v, 8);
    p += 8;
    n -= 8;
  }
  uint64_t v = rng.next();
  std::memcpy(p, &v, n);
}

void makeValue(Rng& rng, std::string& out) {
  out.clear();
  size_t len = rng.range(100, 2000);
  uint64_t kind = rng.next() % 10;
  if (kind < 5) {
    appendText(rng, out, len);
  } else if (kind < 8) {
    appendText(rng, out, len / 2);
    appendRandom(rng, out, len - len / 2);
  } else {
    appendRandom(rng, out, len);
  }
}

std::string makeKey(Rng& rng, uint64_t id) {
  char buf[64];
  int k = std::snprintf(buf, sizeof buf, "user:%012" PRIu64, id);
  std::string key(buf, k);
  if (rng.chance(30)) {
    static const char* const kKinds[] = {":sess-", ":tok-", ":cart-", ":msg-"};
    static const char kHex[] = "0123456789abcdef";
    key.append(kKinds[rng.next() % 4]);
    size_t n = rng.range(6, 16);
    for (size_t i = 0; i < n; i++) key.push_back(kHex[rng.next() % 16]);
  }
  return key;
}

struct TableStats {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

TableStats tableStats(const std::string& dir) {
  TableStats t;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto ext = e.path().extension();
    if (ext == ".ldb" || ext == ".sst") {
      std::error_code ec2;
      uint64_t size = e.file_size(ec2);
      if (!ec2) {
        t.files++;
        t.bytes += size;
      }
    }
  }
  return t;
}

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

void die(const char* what, const leveldb::Status& s) {
  std::fprintf(stderr, "leveldb_gen: %s: %s\n", what, s.ToString().c_str());
  std::exit(2);
}

struct Generator {
  leveldb::DB* db;
  Rng rng;
  std::vector<std::string> keys;    // every key ever created
  std::vector<uint32_t> liveBytes;  // key+value bytes of the live version, 0 when deleted
  uint64_t nextId = 0;
  uint64_t puts = 0, overwrites = 0, deletes = 0;
  uint64_t rawWritten = 0;  // key+value bytes of every put
  uint64_t liveRaw = 0;     // key+value bytes of live versions
  std::string value;

  Generator(leveldb::DB* d, uint64_t seed) : db(d), rng(seed) {}

  void put(leveldb::WriteBatch& b, size_t index) {
    makeValue(rng, value);
    const std::string& key = keys[index];
    b.Put(key, value);
    uint32_t sz = static_cast<uint32_t>(key.size() + value.size());
    rawWritten += sz;
    liveRaw -= liveBytes[index];
    liveRaw += sz;
    liveBytes[index] = sz;
  }

  // One operation: 8 % overwrite, 3 % delete of a random existing key, otherwise a new key.
  void op(leveldb::WriteBatch& b) {
    uint64_t r = rng.next() % 100;
    if (!keys.empty() && r < 8) {
      put(b, rng.next() % keys.size());
      overwrites++;
    } else if (!keys.empty() && r < 11) {
      size_t index = rng.next() % keys.size();
      b.Delete(keys[index]);
      liveRaw -= liveBytes[index];
      liveBytes[index] = 0;
      deletes++;
    } else {
      nextId += rng.range(1, 64);
      keys.push_back(makeKey(rng, nextId));
      liveBytes.push_back(0);
      put(b, keys.size() - 1);
      puts++;
    }
  }

  // Writes batches of `batchOps` operations until stop() says so (asked every checkEvery bytes).
  template <typename Stop>
  void run(uint64_t checkEvery, int batchOps, Stop stop) {
    leveldb::WriteOptions wo;
    wo.sync = false;
    uint64_t nextCheck = rawWritten;
    for (;;) {
      if (rawWritten >= nextCheck) {
        if (stop()) return;
        nextCheck = rawWritten + checkEvery;
      }
      leveldb::WriteBatch b;
      for (int i = 0; i < batchOps; i++) op(b);
      leveldb::Status s = db->Write(wo, &b);
      if (!s.ok()) die("write", s);
    }
  }
};

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The --ops mode (issue #14's database): PUTS puts of shuffled ids, one delete after every 10th put.
int generateOps(const std::string& dir, uint64_t puts, uint64_t deletes, uint64_t seed) {
  const auto t0 = std::chrono::steady_clock::now();
  leveldb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  options.compression = leveldb::kSnappyCompression;
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) die("open", s);

  Rng rng(seed);
  std::vector<uint32_t> ids(puts);
  for (uint64_t i = 0; i < puts; i++) ids[i] = static_cast<uint32_t>(i);
  for (uint64_t i = puts; i > 1; i--) std::swap(ids[i - 1], ids[rng.next() % i]);  // Fisher-Yates

  leveldb::WriteOptions wo;
  wo.sync = false;
  leveldb::WriteBatch batch;
  std::string value;
  char key[32];
  uint64_t deleted = 0, batchOps = 0;
  for (uint64_t i = 0; i < puts; i++) {
    int k = std::snprintf(key, sizeof key, "k%015" PRIu32, ids[i]);
    value.clear();
    size_t len = rng.range(64, 160);
    appendText(rng, value, len / 2);
    appendRandom(rng, value, len - len / 2);
    batch.Put(leveldb::Slice(key, k), value);
    batchOps++;
    if (i % 10 == 9 && deleted < deletes) {
      k = std::snprintf(key, sizeof key, "k%015" PRIu32, ids[rng.next() % (i + 1)]);
      batch.Delete(leveldb::Slice(key, k));
      deleted++;
      batchOps++;
    }
    if (batchOps >= 1000) {
      s = db->Write(wo, &batch);
      if (!s.ok()) die("write", s);
      batch.Clear();
      batchOps = 0;
    }
  }
  // Deletes left over when DELETES > PUTS / 10: random keys already put, at the end.
  while (deleted < deletes && puts > 0) {
    int k = std::snprintf(key, sizeof key, "k%015" PRIu32, ids[rng.next() % puts]);
    batch.Delete(leveldb::Slice(key, k));
    deleted++;
  }
  s = db->Write(wo, &batch);
  if (!s.ok()) die("write", s);
  leveldb::Slice empty("");
  db->CompactRange(&empty, &empty);  // flushes the memtable to a table; compacts no key range

  std::string prev, cur;  // wait for background compactions to settle (stats unchanged for 2 s)
  int stable = 0;
  while (stable < 4) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    db->GetProperty("leveldb.stats", &cur);
    stable = (cur == prev) ? stable + 1 : 0;
    prev = cur;
  }
  std::string levels;
  for (int level = 0; level < 7; level++) {
    std::string n;
    db->GetProperty("leveldb.num-files-at-level" + std::to_string(level), &n);
    levels += (level ? "," : "") + n;
  }
  delete db;
  const TableStats final = tableStats(dir);
  std::printf("{\"tool\":\"leveldb_gen\",\"mode\":\"ops\",\"dir\":\"%s\",\"seed\":%" PRIu64 ",\"puts\":%" PRIu64
              ",\"deletes\":%" PRIu64 ",\"table_files\":%" PRIu64 ",\"table_bytes\":%" PRIu64
              ",\"files_per_level\":[%s],\"seconds\":%.2f}\n",
              jsonEscape(dir).c_str(), seed, puts, deleted, final.files, final.bytes, levels.c_str(), since(t0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--ops") == 0) {
    if (argc < 5 || argc > 6) {
      std::fprintf(stderr, "usage: %s --ops PUTS DELETES DIR [SEED=42]\n", argv[0]);
      return 64;
    }
    const uint64_t puts = std::strtoull(argv[2], nullptr, 10);
    const uint64_t deletes = std::strtoull(argv[3], nullptr, 10);
    if (puts == 0 || puts > 0xFFFFFFFFULL) {
      std::fprintf(stderr, "leveldb_gen: PUTS must be 1..4294967295, not %s\n", argv[2]);
      return 64;
    }
    return generateOps(argv[4], puts, deletes, argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 42);
  }
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: %s DIR [TARGET_TABLE_BYTES=1000000000] [SEED=42] [compact|natural]\n",
                 argv[0]);
    return 64;
  }
  const std::string dir = argv[1];
  const uint64_t target = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000000ULL;
  const uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42;
  const std::string layout = argc > 4 ? argv[4] : "compact";
  if (layout != "compact" && layout != "natural") {
    std::fprintf(stderr, "leveldb_gen: layout must be compact or natural, not %s\n", layout.c_str());
    return 64;
  }
  const bool natural = layout == "natural";
  if (target < (1u << 20)) {
    std::fprintf(stderr, "leveldb_gen: target %" PRIu64 " too small (min 1 MiB)\n", target);
    return 64;
  }
  const auto t0 = std::chrono::steady_clock::now();

  leveldb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  options.compression = leveldb::kSnappyCompression;
  // Large memtable: fewer, larger level-0 flushes, faster bulk load (smaller for small targets so
  // that tables appear early enough to estimate the compression ratio).
  options.write_buffer_size = static_cast<size_t>(std::max<uint64_t>(4u << 20, std::min<uint64_t>(64u << 20, target / 8)));
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) die("open", s);

  Generator g(db, seed);

  // Phase 1: bulk load until the estimated final table bytes reach the target. First estimate: live
  // raw bytes x compression ratio seen so far (table bytes on disk over the raw bytes already flushed,
  // i.e. written minus what the memtables still hold). It is rough (compaction outputs and inputs
  // coexist on disk for a while), so phase 2 measures the exact ratio and phase 1 resumes if short.
  const uint64_t checkEvery = std::max<uint64_t>(1u << 20, std::min<uint64_t>(16u << 20, target / 32));
  double exactRatio = 0;  // table bytes per live raw byte after a full compaction; 0 = not known yet
  TableStats afterCompaction;
  double bulkSeconds = 0, compactSeconds = 0;
  int rounds = 0;
  for (;;) {
    rounds++;
    auto tb = std::chrono::steady_clock::now();
    g.run(checkEvery, 1000, [&] {
      if (exactRatio > 0) return g.liveRaw * exactRatio >= 1.005 * static_cast<double>(target);
      TableStats t = tableStats(dir);
      if (t.bytes == 0) return false;
      std::string mem;
      uint64_t inMemory = 0;
      if (db->GetProperty("leveldb.approximate-memory-usage", &mem)) {
        inMemory = std::strtoull(mem.c_str(), nullptr, 10);
      }
      if (g.rawWritten <= inMemory) return false;
      double ratio = static_cast<double>(t.bytes) / static_cast<double>(g.rawWritten - inMemory);
      // natural: shadowed versions stay on disk, so count what is there plus what is to be flushed.
      if (natural) return t.bytes + inMemory * ratio >= static_cast<double>(target);
      return g.liveRaw * ratio >= static_cast<double>(target);
    });
    bulkSeconds += since(tb);
    if (natural) break;

    // Phase 2: full compaction (flushes the memtable, then pushes every level down to the deepest
    // one). Afterwards the tables hold exactly the live versions, so the ratio is exact.
    auto tc = std::chrono::steady_clock::now();
    db->CompactRange(nullptr, nullptr);
    compactSeconds += since(tc);
    afterCompaction = tableStats(dir);
    if (afterCompaction.bytes >= 0.98 * static_cast<double>(target) || rounds >= 4) break;
    exactRatio = static_cast<double>(afterCompaction.bytes) / static_cast<double>(g.liveRaw);
  }

  // Phase 3: a tail of about 1 % more operations, flushed to a level-0 table.
  const uint64_t tailUntil = g.rawWritten + g.rawWritten / 100;
  g.run(0, 100, [&] { return g.rawWritten >= tailUntil; });
  leveldb::Slice empty("");
  db->CompactRange(&empty, &empty);  // flushes the memtable; the range itself holds no key

  // Phase 4: wait for background compactions to settle (stats unchanged for 2 s).
  std::string prev, cur;
  int stable = 0;
  while (stable < 4) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    db->GetProperty("leveldb.stats", &cur);
    stable = (cur == prev) ? stable + 1 : 0;
    prev = cur;
  }
  std::string levels;
  for (int level = 0; level < 7; level++) {
    std::string n;
    db->GetProperty("leveldb.num-files-at-level" + std::to_string(level), &n);
    levels += (level ? "," : "") + n;
  }
  delete db;

  const TableStats final = tableStats(dir);
  uint64_t liveKeys = 0;
  for (uint32_t b : g.liveBytes) liveKeys += b != 0;
  std::printf(
      "{\"tool\":\"leveldb_gen\",\"dir\":\"%s\",\"seed\":%" PRIu64 ",\"layout\":\"%s\",\"target_bytes\":%" PRIu64
      ",\"table_files\":%" PRIu64 ",\"table_bytes\":%" PRIu64 ",\"files_per_level\":[%s]"
      ",\"table_bytes_after_full_compaction\":%" PRIu64 ",\"new_keys\":%" PRIu64
      ",\"overwrites\":%" PRIu64 ",\"deletes\":%" PRIu64 ",\"live_keys\":%" PRIu64
      ",\"raw_bytes_written\":%" PRIu64 ",\"live_raw_bytes\":%" PRIu64
      ",\"rounds\":%d,\"bulk_seconds\":%.2f,\"compact_seconds\":%.2f,\"seconds\":%.2f}\n",
      jsonEscape(dir).c_str(), seed, layout.c_str(), target, final.files, final.bytes, levels.c_str(), afterCompaction.bytes,
      g.puts, g.overwrites, g.deletes, liveKeys, g.rawWritten, g.liveRaw, rounds, bulkSeconds,
      compactSeconds, since(t0));
  return 0;
}
