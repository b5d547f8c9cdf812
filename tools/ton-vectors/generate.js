// Generates the TON test vectors the C++ unit tests compare against, from @ton/core (the reference implementation).
// Deterministic: a seeded PRNG drives every choice, so running it again gives the same files byte for byte.
// Usage: node generate.js <output dir>   (npm run generate writes ../../tests/vectors/ton)
'use strict';

const fs = require('fs');
const path = require('path');
const { Address, beginCell, Cell, BitString, comment } = require('@ton/core');


/** mulberry32: a small, well-known 32-bit PRNG; good enough to pick test cases, never for secrets. */
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));  // inclusive
  const pick = (list) => list[int(0, list.length - 1)];
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  return { next, int, pick, bytes };
}

const rng = makeRng(20261125);
const hex = (buf) => Buffer.from(buf).toString('hex');

// ---------------------------------------------------------------------------------------------------------------
// Addresses

function addressCase(workchain, hash) {
  const a = new Address(workchain, hash);
  const forms = {};
  for (const testOnly of [false, true]) {
    for (const bounceable of [true, false]) {
      for (const urlSafe of [true, false]) {
        const key = `${testOnly ? 'testnet_' : ''}${bounceable ? 'bounceable' : 'non_bounceable'}${urlSafe ? '' : '_std'}`;
        forms[key] = a.toString({ testOnly, bounceable, urlSafe });
      }
    }
  }
  // Every friendly form must parse back to the same account with its flags, as @ton/core reads it. @ton/core reads
  // the workchain byte as 0xff -> -1 and otherwise unsigned, so other negative workchains (int8 in TEP-2) only get
  // their written forms checked.
  for (const [key, text] of Object.entries(forms)) {
    if (workchain < -1) break;
    const parsed = Address.parseFriendly(text);
    if (!parsed.address.equals(a) || parsed.isTestOnly !== key.startsWith('testnet_') ||
        parsed.isBounceable !== !key.includes('non_bounceable')) {
      throw new Error(`round trip failed for ${text}`);
    }
  }
  return { raw: a.toRawString(), workchain, hash: hex(hash), ...forms };
}

function addresses() {
  const out = [];
  const specials = [
    [0, Buffer.from('2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3', 'hex')],
    [-1, Buffer.alloc(32, 0x33)],
    [0, Buffer.alloc(32, 0)],
    [0, Buffer.alloc(32, 0xff)],
    [-1, Buffer.alloc(32, 0)],
    [127, rng.bytes(32)],
    [-128, rng.bytes(32)],
  ];
  for (const [wc, h] of specials) out.push(addressCase(wc, h));
  while (out.length < 400) {
    const r = rng.next();
    const wc = r < 0.6 ? 0 : r < 0.85 ? -1 : rng.int(-128, 127);
    out.push(addressCase(wc, rng.bytes(32)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Cell trees

const EDGE_BITS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 257, 267, 1015, 1016, 1017, 1022, 1023];

/** Random data of a random length, often an edge length; `maxBits` keeps the big trees' files small. */
function randomBits(maxBits = 1023) {
  const n = rng.next() < 0.4 ? Math.min(maxBits, rng.pick(EDGE_BITS)) : rng.int(0, maxBits);
  const buf = rng.bytes(Math.ceil(n / 8));
  if (n % 8 !== 0) buf[buf.length - 1] &= (0xff00 >> (n % 8)) & 0xff;  // bits past the length are zero
  return { n, buf };
}

/** Cells in creation order (refs point to earlier cells only), as the JSON lists them and the C++ test rebuilds them. */
class TreeBuilder {
  constructor() {
    this.specs = [];
    this.cells = [];
  }
  get size() {
    return this.cells.length;
  }
  add(bits, refs) {
    this.specs.push({ bits: bits.n, data: hex(bits.buf), refs });
    this.cells.push(new Cell({ bits: new BitString(bits.buf, 0, bits.n), refs: refs.map((r) => this.cells[r]) }));
    return this.cells.length - 1;
  }
  /** A new cell equal in content to cell j: equal hashes that the serializer must merge. */
  duplicate(j) {
    return this.add({ n: this.specs[j].bits, buf: Buffer.from(this.specs[j].data, 'hex') }, [...this.specs[j].refs]);
  }
  /** The case for the JSON: every cell with its hash, depth and Fift bits; the last cell's BOC in each option. */
  finish() {
    const root = this.cells[this.cells.length - 1];
    const boc = {};
    for (const idx of [false, true]) {
      for (const crc32 of [false, true]) boc[`${idx ? 'idx' : 'noidx'}_${crc32 ? 'crc' : 'nocrc'}`] = hex(root.toBoc({ idx, crc32 }));
    }
    const cells = this.specs.map((s, i) => ({
      ...s,
      hash: hex(this.cells[i].hash()),
      depth: this.cells[i].depth(),
      fift: this.cells[i].bits.toString(),
    }));
    return { cells, boc };
  }
}

/** A DAG built bottom-up: each new cell takes refs among the cells made so far, so subtrees are shared. */
function randomTree(cellCount) {
  const t = new TreeBuilder();
  for (let i = 0; i < cellCount; i++) {
    if (i > 0 && rng.next() < 0.1) {
      t.duplicate(rng.int(0, i - 1));
      continue;
    }
    const refCount = i === 0 ? 0 : rng.int(0, Math.min(4, i));
    const refs = [];
    // Favour the previous cell so that trees get deep, any earlier one so that they get shared.
    for (let k = 0; k < refCount; k++) refs.push(rng.next() < 0.3 ? i - 1 : rng.int(0, i - 1));
    t.add(randomBits(), refs);
  }
  return t.finish();
}

const SHORT_BITS = 96;

/** A deep DAG: every cell refers to the previous one (depth = cells - 1) and to a few random earlier ones. */
function deepTree(cellCount) {
  const t = new TreeBuilder();
  t.add(randomBits(SHORT_BITS), []);
  for (let i = 1; i < cellCount; i++) {
    const refs = [i - 1];
    for (let k = rng.int(0, Math.min(3, i)); k > 0; k--) refs.push(rng.int(0, i - 1));
    t.add(randomBits(SHORT_BITS), refs);
  }
  return t.finish();
}

/** A wide, shallow DAG where every cell is reachable: leaves, then parents of up to 4 pending cells (and sometimes
 *  one shared earlier cell) until one root is left. With a few hundred leaves the BOC needs 2-byte cell indexes. */
function wideTree(leafCount) {
  const t = new TreeBuilder();
  let pending = [];
  for (let i = 0; i < leafCount; i++) pending.push(rng.next() < 0.05 && i > 0 ? t.duplicate(rng.int(0, i - 1)) : t.add(randomBits(SHORT_BITS), []));
  while (pending.length > 1) {
    const take = Math.min(pending.length, rng.int(2, 4));
    const refs = pending.splice(0, take);
    if (refs.length < 4 && rng.next() < 0.3) refs.push(rng.int(0, t.size - 1));
    pending.push(t.add(randomBits(SHORT_BITS), refs));
  }
  return t.finish();
}

function cellTrees() {
  const out = [];
  for (let i = 0; i < 200; i++) out.push(randomTree(rng.int(1, 24)));
  for (let i = 0; i < 4; i++) out.push(deepTree(rng.int(200, 1000)));
  for (let i = 0; i < 4; i++) out.push(wideTree(rng.int(200, 400)));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Builder operations

function bigToHex(value, bits) {
  const width = Math.ceil(bits / 8);
  if (width === 0) return '';
  const v = value < 0n ? (1n << BigInt(width * 8)) + value : value;  // two's complement over whole bytes
  let s = v.toString(16);
  s = s.padStart(width * 2, '0');
  return s;
}

function randomBig(bits, signed) {
  if (bits === 0) return 0n;
  let v = 0n;
  const width = rng.pick([bits, rng.int(0, bits)]);  // sometimes smaller values
  for (let i = 0; i < width; i++) v = (v << 1n) | BigInt(rng.int(0, 1));
  if (!signed) return v;
  const top = 1n << BigInt(bits - 1);
  v = v % (top * 2n) - top;
  return v;
}

function builderCase() {
  const b = beginCell();
  const ops = [];
  for (let guard = 0; guard < 40; guard++) {
    const free = b.availableBits;
    const kind = rng.pick(['uint', 'uint', 'int', 'int', 'coins', 'address', 'address_none', 'bytes', 'bit']);
    if (kind === 'uint') {
      const bits = rng.int(0, Math.min(256, free));
      const v = randomBig(bits, false);
      b.storeUint(v, bits);
      ops.push({ op: 'uint', bits, value: bigToHex(v, bits) });
    } else if (kind === 'int' && free >= 1) {
      const bits = rng.int(1, Math.min(257, free));
      const v = randomBig(bits, true);
      b.storeInt(v, bits);
      ops.push({ op: 'int', bits, value: bigToHex(v, bits) });
    } else if (kind === 'coins' && free >= 4 + 120) {
      // Mostly nanoton-sized values (below 2^64), sometimes jetton-sized ones up to 2^120 - 1.
      const v = randomBig(rng.next() < 0.7 ? 64 : 120, false);
      b.storeCoins(v);
      ops.push({ op: 'coins', value: v.toString(16).length % 2 ? '0' + v.toString(16) : v.toString(16) });
    } else if (kind === 'address' && free >= 267) {
      const wc = rng.pick([0, -1, rng.int(-128, 127)]);
      const a = new Address(wc, rng.bytes(32));
      b.storeAddress(a);
      ops.push({ op: 'address', value: a.toRawString() });
    } else if (kind === 'address_none' && free >= 2) {
      b.storeAddress(null);
      ops.push({ op: 'address_none' });
    } else if (kind === 'bytes' && free >= 8) {
      const buf = rng.bytes(rng.int(0, Math.min(20, Math.floor(free / 8))));
      b.storeBuffer(buf);
      ops.push({ op: 'bytes', value: hex(buf) });
    } else if (kind === 'bit' && free >= 1) {
      const bit = rng.int(0, 1);
      b.storeBit(bit);
      ops.push({ op: 'bit', value: bit });
    }
    if (b.availableBits === 0 || rng.next() < 0.08) break;
  }
  const cell = b.endCell();
  return { ops, bits: cell.bits.length, fift: cell.bits.toString(), hash: hex(cell.hash()) };
}

// ---------------------------------------------------------------------------------------------------------------
// Comments

const ALPHABETS = ['abcdefghijklmnopqrstuvwxyz0123456789 -_.', 'привет мир ', '日本語のテキスト', '🎟️🎉✨', 'äöüßéèàç'];

function randomText(bytesWanted) {
  let s = '';
  const alphabet = Array.from(rng.pick(ALPHABETS));
  while (Buffer.byteLength(s) < bytesWanted) s += rng.pick(alphabet);
  return s;
}

function comments() {
  const out = [];
  const lengths = [0, 1, 8, 122, 123, 124, 125, 249, 250, 251, 252, 377, 378, 379, 500, 1000, 2000];
  const texts = ['order-42', 'Hello, TON!', 'onton:ticket:00000000-0000-4000-8000-000000000000'];
  for (const n of lengths) texts.push(randomText(n));
  while (texts.length < 120) texts.push(randomText(rng.int(0, 700)));
  for (const text of texts) {
    const cell = comment(text);
    out.push({ text, boc: hex(cell.toBoc({ idx: false, crc32: false })), hash: hex(cell.hash()) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node generate.js <output dir>');
  fs.mkdirSync(dir, { recursive: true });
  const meta = {
    generator: 'tools/ton-vectors/generate.js',
    '@ton/core': require('@ton/core/package.json').version,
  };
  const files = {
    'addresses.json': addresses(),
    'cells.json': cellTrees(),
    'builder.json': Array.from({ length: 300 }, builderCase),
    'comments.json': comments(),
  };
  // The wallet, NFT and ton_proof vectors come from their own PRNG (wallets.js), so that adding them left the
  // files above unchanged; their header also names the other packages they use.
  const walletMeta = {
    ...meta,
    '@ton/crypto': require('@ton/crypto/package.json').version,
    '@ton/ton': require('@ton/ton/package.json').version,
    '@ton-community/assets-sdk': require('@ton-community/assets-sdk/package.json').version,
  };
  const walletFiles = { ...(await require('./wallets').all()), ...require('./jetton').all() };
  for (const [files_, header] of [[files, meta], [walletFiles, walletMeta]]) {
    for (const [name, cases] of Object.entries(files_)) {
      fs.writeFileSync(path.join(dir, name), JSON.stringify({ ...header, cases }, null, 1) + '\n');
      console.log(`${name}: ${cases.length} cases`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
