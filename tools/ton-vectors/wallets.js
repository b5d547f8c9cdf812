// Vectors for the second layer of the ton/ library: mnemonics to keys, wallet v4r2/v5r1 addresses, signed external
// transfers and their hashes, NFT collection/mint messages with the assets-sdk contract code, and ton_proof
// messages and signatures. Deterministic like generate.js (its own seeded PRNG, fixed times).
'use strict';

const {
  Address, beginCell, Cell, comment, contractAddress, external, internal, storeMessage, storeStateInit, toNano,
} = require('@ton/core');
const { hmac_sha512, mnemonicToPrivateKey, mnemonicValidate, pbkdf2_sha512, sha256_sync, sign } = require('@ton/crypto');
const { wordlist } = require('@ton/crypto/dist/mnemonic/wordlist');
const { WalletContractV3R2, WalletContractV4, WalletContractV5R1 } = require('@ton/ton');
const { nftCollectionEditableCode: nftCollectionCode } = require('@ton-community/assets-sdk/dist/nft/contracts/build/nft-collection-editable');
const { nftItemCode } = require('@ton-community/assets-sdk/dist/nft/contracts/build/nft-item');
const { sbtItemCode } = require('@ton-community/assets-sdk/dist/nft/contracts/build/sbt-item');
const {
  storeNftMintMessage, storeNftBatchMintMessage, createNftItemParamsValue, createSbtItemParamsValue, NftCollection,
} = require('@ton-community/assets-sdk');

const hex = (buf) => Buffer.from(buf).toString('hex');
const b64 = (buf) => Buffer.from(buf).toString('base64');

function makeRng(seed) {  // mulberry32, as in generate.js
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[int(0, list.length - 1)];
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  return { next, int, pick, bytes };
}

const rng = makeRng(4046);
// The @ton/crypto mnemonic.spec vector #1 (ton-telegram.md §3.6): its key signs the documented vectors.
const DOC_MNEMONIC = 'hospital stove relief fringe tongue always charge angry urge sentence again match nerve inquiry senior coconut label tumble carry category beauty bean road solution'.split(' ');
const TIMESTAMP = 1800000000;  // valid_until of every transfer
const PAYEE = Address.parseRaw('0:2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3');

async function validMnemonic() {
  for (;;) {
    const words = Array.from({ length: 24 }, () => rng.pick(wordlist));
    if (await mnemonicValidate(words)) return words;
  }
}

// Mnemonics made for a password (tonlib's "password seed"): the passwordless entropy passes the fast password check
// and fails the basic one, and with the password it passes the basic one. Own PRNG, so the other vectors stay put.
async function passwordMnemonics(count) {
  const prng = makeRng(1234);
  const out = [];
  while (out.length < 3 * count) {
    const words = Array.from({ length: 24 }, () => prng.pick(wordlist));
    const passless = await hmac_sha512(words.join(' '), '');
    if ((await pbkdf2_sha512(passless, 'TON fast seed version', 1, 64))[0] !== 1) continue;
    if ((await pbkdf2_sha512(passless, 'TON seed version', 390, 64))[0] === 0) continue;
    for (let i = 0; i < 4096; i++) {
      const password = `pw-${prng.int(0, 1e9)}`;
      if (!(await mnemonicValidate(words, password))) continue;
      const keys = await mnemonicToPrivateKey(words, password);
      out.push({ words: words.join(' '), password, valid: true, secret_key: hex(keys.secretKey), public_key: hex(keys.publicKey) });
      out.push({ words: words.join(' '), password: `${password}x`, valid: await mnemonicValidate(words, `${password}x`) });
      out.push({ words: words.join(' '), valid: await mnemonicValidate(words) });
      break;
    }
  }
  return out;
}

async function mnemonics() {
  const out = [];
  const lists = [DOC_MNEMONIC];
  while (lists.length < 40) lists.push(await validMnemonic());
  for (const words of lists) {
    const keys = await mnemonicToPrivateKey(words);
    out.push({ words: words.join(' '), valid: true, secret_key: hex(keys.secretKey), public_key: hex(keys.publicKey) });
  }
  // Invalid ones: random words that fail the seed check, unknown words, wrong counts.
  let failing = 0;
  while (failing < 20) {
    const words = Array.from({ length: 24 }, () => rng.pick(wordlist));
    if (await mnemonicValidate(words)) continue;
    out.push({ words: words.join(' '), valid: false });
    failing++;
  }
  const unknown = [...lists[1]];
  unknown[7] = 'tonton';
  out.push({ words: unknown.join(' '), valid: false });
  out.push({ words: lists[1].slice(0, 12).join(' '), valid: await mnemonicValidate(lists[1].slice(0, 12)) });
  // Case and spacing are normalised by @ton/crypto before use.
  const upper = lists[2].map((w, i) => (i % 2 ? w.toUpperCase() : ` ${w}`));
  const keys = await mnemonicToPrivateKey(upper);
  out.push({ words: upper.join(' '), valid: await mnemonicValidate(upper), public_key: hex(keys.publicKey), secret_key: hex(keys.secretKey) });
  out.push(...(await passwordMnemonics(3)));
  return { cases: out, keys: await Promise.all(lists.map((w) => mnemonicToPrivateKey(w))) };
}

function stateInitCell(init) {
  return beginCell().store(storeStateInit(init)).endCell();
}

function walletCases(keys) {
  const out = [];
  for (const key of keys) {
    const row = { public_key: hex(key.publicKey) };
    for (const wc of [0, -1]) {
      const v4 = WalletContractV4.create({ workchain: wc, publicKey: key.publicKey });
      row[`v4r2_wc${wc}`] = { address: v4.address.toRawString(), wallet_id: v4.walletId, data: hex(v4.init.data.toBoc({ idx: false, crc32: false })) };
    }
    for (const [name, networkGlobalId] of [['mainnet', -239], ['testnet', -3]]) {
      const v5 = WalletContractV5R1.create({ workchain: 0, publicKey: key.publicKey, walletId: { networkGlobalId } });
      row[`v5r1_${name}`] = { address: v5.address.toRawString(), data: hex(v5.init.data.toBoc({ idx: false, crc32: false })) };
    }
    const v5sub = WalletContractV5R1.create({ publicKey: key.publicKey, walletId: { networkGlobalId: -239, context: { workchain: 0, subwalletNumber: 7, walletVersion: 'v5r1' } } });
    row.v5r1_mainnet_subwallet7 = { address: v5sub.address.toRawString() };
    out.push(row);
  }
  return out;
}

function normalizedHash(message) {
  const msg = { info: { type: 'external-in', src: null, dest: message.info.dest, importFee: 0n }, init: null, body: message.body };
  return beginCell().store(storeMessage(msg, { forceRef: true })).endCell().hash();
}

function describeMessage(m) {
  return {
    to: m.to.toRawString(), value: m.value.toString(), bounce: m.bounce, comment: m.comment ?? null,
    body_boc: m.bodyCell ? hex(m.bodyCell.toBoc({ idx: false, crc32: false })) : null,
    init: m.init ? { code: b64(m.init.code.toBoc()), data: b64(m.init.data.toBoc()) } : null,
  };
}

function randomMessage() {
  const to = new Address(rng.pick([0, 0, -1]), rng.bytes(32));
  const value = BigInt(rng.pick([1, 1000, 50000000, 500000000, rng.int(1, 2 ** 31)])) * BigInt(rng.pick([1, 1, 1000]));
  const bounce = rng.next() < 0.5;
  const kind = rng.pick(['comment', 'comment', 'empty', 'body']);
  if (kind === 'comment') {
    const text = rng.pick(['order-42', 'onton_order=5f0c6a8e-2b1d-4c3e-9f00-000000000001', 'билет №7', '🎟️'.repeat(rng.int(1, 40))]);
    return { to, value, bounce, comment: text, body: comment(text) };
  }
  if (kind === 'body') {
    const bodyCell = beginCell().storeUint(rng.int(1, 2 ** 31), 32).storeUint(rng.int(0, 2 ** 31), 64).endCell();
    return { to, value, bounce, body: bodyCell, bodyCell };
  }
  return { to, value, bounce };
}

function transferCase(version, key, network, seqno, messages, sendMode) {
  const wallet = version === 'v4r2'
    ? WalletContractV4.create({ workchain: 0, publicKey: key.publicKey })
    : WalletContractV5R1.create({ workchain: 0, publicKey: key.publicKey, walletId: { networkGlobalId: network === 'mainnet' ? -239 : -3 } });
  const body = wallet.createTransfer({
    seqno, secretKey: key.secretKey, timeout: TIMESTAMP, sendMode,
    messages: messages.map((m) => internal({ to: m.to, value: m.value, bounce: m.bounce, body: m.body, init: m.init })),
  });
  const ext = external({ to: wallet.address, init: seqno === 0 ? wallet.init : undefined, body });
  const cell = beginCell().store(storeMessage(ext)).endCell();
  return {
    version, network, public_key: hex(key.publicKey), secret_key: hex(key.secretKey), wallet: wallet.address.toRawString(),
    seqno, valid_until: TIMESTAMP, send_mode: sendMode, messages: messages.map(describeMessage),
    body_hash: hex(body.hash()), boc: b64(cell.toBoc()), hash: hex(cell.hash()), normalized_hash: hex(normalizedHash(ext)),
  };
}

function transfers(keys) {
  const out = [];
  const docKey = keys[0];
  const doc = [{ to: PAYEE, value: toNano('0.5'), bounce: false, comment: 'order-42', body: comment('order-42') }];
  for (const version of ['v4r2', 'v5r1']) out.push(transferCase(version, docKey, 'mainnet', 0, doc, 3));
  for (let i = 0; i < 60; i++) {
    const version = i % 2 ? 'v5r1' : 'v4r2';
    const key = keys[1 + (i % (keys.length - 1))];
    const count = rng.int(1, version === 'v4r2' ? 4 : 6);
    const messages = Array.from({ length: count }, randomMessage);
    const seqno = rng.pick([0, 1, 2, 17, 4294967295]);
    out.push(transferCase(version, key, rng.pick(['mainnet', 'testnet']), seqno, messages, rng.pick([0, 1, 2, 3, 3, 64 + 2, 128 + 2])));
  }
  return out;
}

// --- NFT --------------------------------------------------------------------------------------------------

const CODES = {
  collection: Cell.fromBase64(nftCollectionCode.codeBoc),
  nft_item: Cell.fromBase64(nftItemCode.codeBoc),
  sbt_item: Cell.fromBase64(sbtItemCode.codeBoc),
};

function offchain(uri) {
  return beginCell().storeUint(1, 8).storeStringTail(uri).endCell();
}

function collectionContent(url, prefix) {
  return beginCell().storeRef(offchain(url)).storeRef(beginCell().storeStringTail(prefix).endCell()).endCell();
}

function collectionData(c) {
  return beginCell()
    .storeAddress(c.owner)
    .storeUint(c.next, 64)
    .storeRef(collectionContent(c.url, c.prefix))
    .storeRef(c.sbt ? CODES.sbt_item : CODES.nft_item)
    .storeRef(beginCell().storeUint(c.royalty[0], 16).storeUint(c.royalty[1], 16).storeAddress(c.royaltyTo).endCell())
    .endCell();
}

function stackCell(cell) {
  return ['cell', { bytes: b64(cell.toBoc({ idx: false, crc32: false })) }];
}
function stackNum(n) {
  const v = BigInt(n);
  return ['num', (v < 0n ? '-0x' : '0x') + (v < 0n ? -v : v).toString(16)];
}
function stackAddress(a) {
  return stackCell(beginCell().storeAddress(a).endCell());
}

function nft(keys) {
  const out = { codes: {}, collections: [], mints: [], batches: [] };
  for (const [name, cell] of Object.entries(CODES)) {
    out.codes[name] = { boc: b64(cell.toBoc()), hash: hex(cell.hash()) };
  }
  out.codes.source = `@ton-community/assets-sdk ${require('@ton-community/assets-sdk/package.json').version} dist/nft/contracts/build/{nft-collection-editable,nft-item,sbt-item}.js`;
  for (let i = 0; i < 12; i++) {
    const key = keys[i % keys.length];
    const owner = WalletContractV4.create({ workchain: 0, publicKey: key.publicKey }).address;
    const event = i === 0 ? 'e' : `event-${rng.int(1, 99999)}`;
    const host = i === 0 ? 'https://e.org' : rng.pick(['https://onton.example', 'https://tickets.onton.local']);
    const c = {
      owner, next: i < 6 ? 0 : rng.int(1, 1000), url: i === 0 ? 'https://e.org/collection.json' : `${host}/nft/${event}/collection.json`,
      prefix: i === 0 ? 'https://e.org/items/' : `${host}/nft/${event}/` + 'x'.repeat(rng.pick([0, 0, 150])),
      royalty: i === 0 ? [5, 100] : [rng.int(0, 20), rng.pick([100, 1000])], royaltyTo: i % 3 === 1 ? PAYEE : owner, sbt: i % 4 === 3,
    };
    const data = collectionData(c);
    const init = { code: CODES.collection, data };
    const address = contractAddress(0, init);
    if (c.next === 0 && !c.sbt) {  // the same bytes as assets-sdk's own config builder
      const sdk = NftCollection.createFromConfig({ admin: c.owner, content: collectionContent(c.url, c.prefix), royalty: { numerator: BigInt(c.royalty[0]), denominator: BigInt(c.royalty[1]), recipient: c.royaltyTo } }, CODES.collection, 0);
      if (!sdk.address.equals(address)) throw new Error('collection address differs from assets-sdk');
    }
    // The owner's wallet deploys it: a v4r2 transfer with the state init in the internal message.
    const deploy = transferCase('v4r2', key, 'mainnet', 1, [{ to: address, value: toNano('0.1'), bounce: false, body: Cell.EMPTY, init }], 3);
    const items = [0, 1, rng.int(2, 1000)].map((index) => ({ index, address: contractAddress(0, { code: c.sbt ? CODES.sbt_item : CODES.nft_item, data: beginCell().storeUint(index, 64).storeAddress(address).endCell() }).toRawString() }));
    const getCollectionData = [stackNum(c.next), stackCell(offchain(c.url)), stackAddress(c.owner)];
    const individual = beginCell().storeStringTail(`${c.next}.json`).endCell();
    const getNftData = [stackNum(-1), stackNum(c.next), stackAddress(address), stackAddress(PAYEE), stackCell(individual)];
    out.collections.push({
      owner: c.owner.toRawString(), next_item_index: c.next, collection_content_url: c.url, common_content_prefix: c.prefix,
      item_code: c.sbt ? 'sbt_item' : 'nft_item', royalty: { numerator: c.royalty[0], denominator: c.royalty[1], destination: c.royaltyTo.toRawString() },
      data_boc: hex(data.toBoc({ idx: false, crc32: false })), state_init_hash: hex(stateInitCell(init).hash()), address: address.toRawString(),
      items, deploy, get_collection_data: getCollectionData, get_nft_data: getNftData,
    });
  }
  for (let i = 0; i < 30; i++) {
    const sbt = i % 3 === 2;
    const owner = i === 0 ? PAYEE : new Address(0, rng.bytes(32));
    const item = {
      index: i === 0 ? 0n : BigInt(rng.pick([1, 2, 255, 256, rng.int(0, 2 ** 31), 2 ** 53 - 1])),
      value: i === 0 ? toNano('0.05') : BigInt(rng.int(1, 10 ** 9)),
      owner, content: i === 0 ? '0.json' : `${rng.int(0, 99999)}.json` + 'q'.repeat(rng.pick([0, 0, 200])),
      authority: sbt ? new Address(0, rng.bytes(32)) : undefined,
    };
    const queryId = i === 0 ? 777n : BigInt(rng.int(0, 2 ** 31));
    const params = sbt ? createSbtItemParamsValue() : createNftItemParamsValue();
    const body = beginCell().store(storeNftMintMessage({
      queryId, itemIndex: item.index, value: item.value,
      itemParams: { owner: item.owner, individualContent: item.content, ...(sbt ? { authority: item.authority } : {}) },
    }, params.store)).endCell();
    out.mints.push({
      query_id: queryId.toString(), index: item.index.toString(), amount: item.value.toString(), owner: owner.toRawString(),
      content: item.content, authority: sbt ? item.authority.toRawString() : null, boc: hex(body.toBoc({ idx: false, crc32: false })), hash: hex(body.hash()),
    });
  }
  for (let i = 0; i < 16; i++) {
    const sbt = i % 4 === 3;
    const count = i === 0 ? 1 : rng.pick([2, 3, 5, 17, 64, rng.int(1, 249)]);
    const indexes = new Set();
    while (indexes.size < count) indexes.add(BigInt(rng.pick([indexes.size, rng.int(0, 5000), rng.int(0, 2 ** 31) * 4096])));
    const requests = [...indexes].map((index) => ({
      index, value: BigInt(rng.int(1, 10 ** 8)),
      params: { owner: new Address(0, rng.bytes(32)), individualContent: `${index}.json`, ...(sbt ? { authority: PAYEE } : {}) },
    }));
    const params = sbt ? createSbtItemParamsValue() : createNftItemParamsValue();
    const queryId = BigInt(rng.int(0, 2 ** 31));
    const body = beginCell().store(storeNftBatchMintMessage({ queryId, requests }, params.store)).endCell();
    out.batches.push({
      query_id: queryId.toString(),
      items: requests.map((r) => ({ index: r.index.toString(), amount: r.value.toString(), owner: r.params.owner.toRawString(), content: r.params.individualContent, authority: sbt ? PAYEE.toRawString() : null })),
      boc: hex(body.toBoc({ idx: false, crc32: false })), hash: hex(body.hash()),
    });
  }
  return out;
}

// --- ton_proof -------------------------------------------------------------------------------------------

function proofMessage(address, domain, timestamp, payload) {
  const wc = Buffer.alloc(4);
  wc.writeInt32BE(address.workChain);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(Buffer.byteLength(domain));
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64LE(BigInt(timestamp));
  return Buffer.concat([Buffer.from('ton-proof-item-v2/'), wc, address.hash, len, Buffer.from(domain), ts, Buffer.from(payload)]);
}

function tonProofs(keys) {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const key = keys[i % keys.length];
    const kind = i === 0 ? 'v4r2' : rng.pick(['v3r2', 'v4r2', 'v5r1']);
    const network = i === 0 ? '-239' : rng.pick(['-239', '-3']);
    const wallet = kind === 'v3r2' ? WalletContractV3R2.create({ workchain: 0, publicKey: key.publicKey })
      : kind === 'v4r2' ? WalletContractV4.create({ workchain: 0, publicKey: key.publicKey })
        : WalletContractV5R1.create({ workchain: 0, publicKey: key.publicKey, walletId: { networkGlobalId: Number(network) } });
    const domain = i === 0 ? 'example.com' : rng.pick(['example.com', 'onton.example', 'tickets.onton.local', 'пример.рф']);
    const timestamp = i === 0 ? 1700000000 : 1700000000 + rng.int(0, 10 ** 8);
    const payload = i === 0 ? 'E5B4ARS6CdOI2b5e1jz0jnS-x-a3DgfNXprrg_3pec0=' : rng.bytes(rng.pick([16, 32, 40])).toString(rng.pick(['hex', 'base64url']));
    const message = proofMessage(wallet.address, domain, timestamp, payload);
    const inner = sha256_sync(message);
    const signed = sha256_sync(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('ton-connect'), inner]));
    const signature = sign(signed, key.secretKey);
    const stateInit = b64(stateInitCell(wallet.init).toBoc());
    out.push({
      wallet: kind, message: hex(message), inner: hex(inner), signed: hex(signed),
      request: {
        address: wallet.address.toRawString(), network, public_key: hex(key.publicKey),
        proof: { timestamp, domain: { lengthBytes: Buffer.byteLength(domain), value: domain }, signature: b64(signature), payload, state_init: stateInit },
      },
    });
  }
  return out;
}

async function all() {
  const { cases, keys } = await mnemonics();
  return {
    'mnemonics.json': cases,
    'wallets.json': walletCases(keys),
    'transfers.json': transfers(keys),
    'nft.json': [nft(keys)],
    'ton_proof.json': tonProofs(keys),
  };
}

module.exports = { all };
