"""Opens a rebuilt LevelDB directory (a COPY: the engine writes) with the real C++ engine and checks it.

usage: engine_check.py DIR
Opens with paranoid_checks, iterates with verify_checksums, checks that get(k) equals the iterated value for every
key, then puts a probe key, closes, reopens and reads it back. Prints one JSON object: the iterated entries
(base64 key and value) and the probe's outcome. Any engine error ends with a non-zero exit and the error on stderr.
"""
import base64
import json
import sys

import plyvel

path = sys.argv[1]
db = plyvel.DB(path, paranoid_checks=True, bloom_filter_bits=10)
entries = []
mismatches = 0
for k, v in db.iterator(verify_checksums=True, fill_cache=False):
    entries.append([base64.b64encode(k).decode(), base64.b64encode(v).decode()])
    if db.get(k, verify_checksums=True) != v:
        mismatches += 1
probe_key = b"\xffsalvor-probe"
db.put(probe_key, b"after rebuild", sync=True)
db.close()
db = plyvel.DB(path, paranoid_checks=True, bloom_filter_bits=10)
probe = db.get(probe_key) == b"after rebuild"
count_after = sum(1 for _ in db.iterator(verify_checksums=True))
db.close()
print(json.dumps({"entries": entries, "get_mismatches": mismatches, "probe_ok": probe,
                  "count_after_reopen": count_after}))
