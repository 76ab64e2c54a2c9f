// Generates es6-numbers-sample.txt: "hex-ieee,expected" lines (the format of the cyberphone es6testfile100m),
// where expected is what V8's Number.prototype.toString (= JSON.stringify for finite numbers) prints.
// An oracle independent of salvor's Java code. Run: node es6-numbers-sample.js > es6-numbers-sample.txt
'use strict';
let s = 0x9e3779b97f4a7c15n;
function next() { // xorshift64*
  s ^= s >> 12n; s ^= (s << 25n) & 0xffffffffffffffffn; s ^= s >> 27n;
  return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
}
const buf = new DataView(new ArrayBuffer(8));
const out = [];
function emit(bits) {
  buf.setBigUint64(0, bits);
  const d = buf.getFloat64(0);
  if (!Number.isFinite(d)) return;
  out.push(bits.toString(16) + ',' + JSON.stringify(d));
}
for (let i = 0; i < 1500; i++) emit(next());                        // uniform bit patterns: all exponents
for (let i = 0; i < 300; i++) emit(next() >> 12n);                  // subnormals
for (let e = -330; e <= 310; e += 1) {                              // powers of ten and their neighbours
  const d = Number('1e' + e);
  buf.setFloat64(0, d); const b = buf.getBigUint64(0);
  if (b > 1n) { emit(b - 1n); emit(b); emit(b + 1n); }
}
for (let i = 0; i < 300; i++) {                                     // short decimals people write
  const d = Number((Number(next() % 100000000n) / 10 ** Number(next() % 12n)).toPrecision(1 + Number(next() % 9n)));
  buf.setFloat64(0, d); emit(buf.getBigUint64(0));
}
for (let i = 0; i < 200; i++) {                                     // integers around 2^53 and 1e21
  const base = [2n ** 53n, 10n ** 21n, 2n ** 64n][i % 3];
  const d = Number(base + (next() % 4096n) - 2048n);
  buf.setFloat64(0, d); emit(buf.getBigUint64(0));
}
process.stdout.write(out.join('\n') + '\n');
