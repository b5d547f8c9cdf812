// TEP-74 jetton vectors (jetton.json): transfer, transfer_notification and excesses bodies written by
// @ton-community/assets-sdk's own store functions (and read back by its loaders), with the forward payload as a ref
// or inline; the get-method stacks of a jetton master and wallet, with the wallet addresses assets-sdk derives.
// Its own PRNG (seed 7474), so adding it left every other file unchanged.
'use strict';

const { Address, beginCell, Cell, comment, contractAddress } = require('@ton/core');
const { storeJettonTransferMessage, loadJettonTransferMessage } = require('@ton-community/assets-sdk/dist/jetton/types/JettonTransferMessage');
const { storeJettonTransferNotificationMessage, loadJettonTransferNotificationMessage } = require('@ton-community/assets-sdk/dist/jetton/types/JettonTransferNotificationMessage');
const { storeJettonExcessesMessage } = require('@ton-community/assets-sdk/dist/jetton/types/JettonExcessesMessage');
const { JettonWallet, jettonWalletConfigToCell } = require('@ton-community/assets-sdk/dist/jetton/JettonWallet');
const { JettonMinter } = require('@ton-community/assets-sdk/dist/jetton/JettonMinter');

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

const rng = makeRng(7474);
const hex = (buf) => Buffer.from(buf).toString('hex');
const bocHex = (cell) => hex(cell.toBoc({ idx: false, crc32: false }));
const b64 = (buf) => Buffer.from(buf).toString('base64');

function randomU64() {
  return rng.pick([0n, 1n, 2n ** 64n - 1n, BigInt(rng.int(0, 2 ** 31)) * BigInt(rng.int(1, 2 ** 31)), BigInt(rng.int(0, 1000))]);
}

function randomAmount() {
  // USDT-like amounts (6 decimals), edges of u64, and a few above it (VarUInteger 16 goes to 2^120 - 1).
  return rng.pick([0n, 1n, 1_000_000n, 5_000_000n, 123_456_789n, BigInt(rng.int(1, 2 ** 31)) * 1000n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 120n - 1n]);
}

function randomText() {
  return rng.pick([
    'onton:ab12cd34',
    `onton:${rng.bytes(8).toString('hex')}`,
    'Onton refund for order 5d2c1a9e-1f0b-4c65-9a77-2c1f6f0a4d11',
    'оплата 🎟️ ' + 'x'.repeat(rng.pick([0, 100, 130, 300])),
    '',
  ]);
}

/** A forward payload and how it is written: none, a comment (ref or inline), or a non-comment cell. */
function randomPayload() {
  const kind = rng.pick(['none', 'comment_ref', 'comment_ref', 'comment_inline', 'raw_ref', 'raw_inline']);
  if (kind === 'none') return { kind, cell: null, inline: false, comment: null };
  if (kind.startsWith('comment')) {
    // An inline payload must fit beside the message's own fields: short ASCII there.
    const text = kind === 'comment_inline' ? `onton:${rng.bytes(4).toString('hex')}` : randomText();
    return { kind, cell: comment(text), inline: kind === 'comment_inline', comment: text };
  }
  const cell = beginCell().storeUint(rng.int(1, 2 ** 31), 32).storeBuffer(rng.bytes(rng.int(0, kind === 'raw_inline' ? 8 : 20))).endCell();
  return { kind, cell, inline: kind === 'raw_inline', comment: null };
}

function storeEither(builder, payload) {
  if (!payload.cell) return builder.storeBit(0);
  if (payload.inline) return builder.storeBit(0).storeSlice(payload.cell.beginParse());
  return builder.storeBit(1).storeRef(payload.cell);
}

function transfers() {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const t = {
      queryId: randomU64(),
      amount: i === 0 ? 5_000_000n : randomAmount(),
      destination: new Address(rng.pick([0, 0, -1]), rng.bytes(32)),
      responseDestination: rng.next() < 0.75 ? new Address(0, rng.bytes(32)) : null,
      customPayload: rng.next() < 0.2 ? beginCell().storeUint(rng.int(0, 2 ** 31), 32).endCell() : null,
      forwardAmount: BigInt(rng.pick([0, 1, 10_000_000, 50_000_000, rng.int(1, 10 ** 9)])),
    };
    const payload = i === 0 ? { kind: 'comment_ref', cell: comment('onton:ab12cd34'), inline: false, comment: 'onton:ab12cd34' } : randomPayload();
    let body;
    if (!payload.inline) {
      // assets-sdk's own writer (Maybe ^Cell for the payload: bit 0 when there is none).
      body = beginCell().store(storeJettonTransferMessage({ ...t, forwardPayload: payload.cell })).endCell();
    } else {
      const b = beginCell().storeUint(0x0f8a7ea5, 32).storeUint(t.queryId, 64).storeCoins(t.amount)
        .storeAddress(t.destination).storeAddress(t.responseDestination).storeMaybeRef(t.customPayload).storeCoins(t.forwardAmount);
      body = storeEither(b, payload).endCell();
    }
    const back = loadJettonTransferMessage(body.beginParse());
    if (back.amount !== t.amount || !back.destination.equals(t.destination)) throw new Error('assets-sdk did not read its transfer back');
    out.push({
      query_id: t.queryId.toString(), amount: t.amount.toString(), destination: t.destination.toRawString(),
      response_destination: t.responseDestination ? t.responseDestination.toRawString() : null,
      custom_payload: t.customPayload ? bocHex(t.customPayload) : null, forward_ton_amount: t.forwardAmount.toString(),
      forward_payload: payload.cell ? bocHex(payload.cell) : null, forward_payload_kind: payload.kind, comment: payload.comment,
      boc: bocHex(body), hash: hex(body.hash()),
    });
  }
  return out;
}

function notifications() {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const n = {
      queryId: randomU64(),
      amount: i === 0 ? 5_000_000n : randomAmount(),
      sender: rng.next() < 0.9 ? new Address(0, rng.bytes(32)) : null,
    };
    const payload = i === 0 ? { kind: 'comment_ref', cell: comment('onton:ab12cd34'), inline: false, comment: 'onton:ab12cd34' } : randomPayload();
    let body;
    if (!payload.inline) {
      body = beginCell().store(storeJettonTransferNotificationMessage({ ...n, forwardPayload: payload.cell })).endCell();
    } else {
      const b = beginCell().storeUint(0x7362d09c, 32).storeUint(n.queryId, 64).storeCoins(n.amount).storeAddress(n.sender);
      body = storeEither(b, payload).endCell();
    }
    if (n.sender) {
      const back = loadJettonTransferNotificationMessage(body.beginParse());
      if (back.amount !== n.amount || !back.sender.equals(n.sender)) throw new Error('assets-sdk did not read its notification back');
    }
    out.push({
      query_id: n.queryId.toString(), amount: n.amount.toString(), sender: n.sender ? n.sender.toRawString() : null,
      forward_payload: payload.cell ? bocHex(payload.cell) : null, forward_payload_kind: payload.kind, comment: payload.comment,
      boc: bocHex(body), hash: hex(body.hash()),
    });
  }
  return out;
}

function excesses() {
  return [0n, 1n, 2n ** 64n - 1n, 777n, randomU64()].map((queryId) => {
    const body = beginCell().store(storeJettonExcessesMessage({ queryId })).endCell();
    return { query_id: queryId.toString(), boc: bocHex(body), hash: hex(body.hash()) };
  });
}

function stackCell(cell) {
  return ['cell', { bytes: b64(cell.toBoc({ idx: false, crc32: false })) }];
}
function stackNum(n) {
  const v = BigInt(n);
  return ['num', (v < 0n ? '-0x' : '0x') + (v < 0n ? -v : v).toString(16)];
}
function addressCell(a) {
  return beginCell().storeAddress(a).endCell();
}

/** Masters with assets-sdk's minter code and wallet code: the wallet address of each owner, and the get-method stacks. */
function masters() {
  const out = [];
  for (let i = 0; i < 6; i++) {
    const admin = i % 3 === 2 ? null : new Address(0, rng.bytes(32));
    const content = beginCell().storeUint(1, 8).storeStringTail(`https://onton.example/jettons/${i}.json`).endCell();
    const minter = JettonMinter.createFromConfig({ admin, content });
    const owners = [0, 1, 2].map(() => new Address(0, rng.bytes(32)));
    const wallets = owners.map((owner) => {
      const wallet = JettonWallet.createFromConfig({ owner, jettonMaster: minter.address });
      const balance = BigInt(rng.pick([0, 1, 5_000_000, rng.int(1, 2 ** 31)]));
      const walletStack = [stackNum(balance), stackCell(addressCell(owner)), stackCell(addressCell(minter.address)), stackCell(JettonWallet.code)];
      return {
        owner: owner.toRawString(), argument_boc: bocHex(addressCell(owner)), address: wallet.address.toRawString(),
        get_wallet_address: [stackCell(addressCell(wallet.address))], balance: balance.toString(), get_wallet_data: walletStack,
        data_boc: bocHex(jettonWalletConfigToCell({ balance: 0n, owner, jettonMaster: minter.address, jettonWalletCode: JettonWallet.code })),
      };
    });
    const supply = rng.pick([0n, 10n ** 12n, 2n ** 100n]);
    const mintable = i % 2 === 0;
    const adminEntry = admin ? stackCell(addressCell(admin)) : stackCell(beginCell().storeUint(0, 2).endCell());
    out.push({
      address: minter.address.toRawString(), admin: admin ? admin.toRawString() : null, total_supply: supply.toString(), mintable,
      content_boc: bocHex(content), wallet_code_hash: hex(JettonWallet.code.hash()), minter_code_hash: hex(JettonMinter.code.hash()),
      get_jetton_data: [stackNum(supply), stackNum(mintable ? -1 : 0), adminEntry, stackCell(content), stackCell(JettonWallet.code)],
      wallets,
    });
  }
  return out;
}

function all() {
  const header = {
    source: `@ton-community/assets-sdk ${require('@ton-community/assets-sdk/package.json').version} dist/jetton (store/load functions, JettonMinter, JettonWallet)`,
  };
  return { 'jetton.json': [{ ...header, transfers: transfers(), notifications: notifications(), excesses: excesses(), masters: masters() }] };
}

module.exports = { all };
