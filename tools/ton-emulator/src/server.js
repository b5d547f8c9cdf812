#!/usr/bin/env node
// Onton's local TON chain: a toncenter v2 compatible subset over @ton/sandbox, on loopback. See ../README.md.
import http from 'node:http';
import { Address, Cell, beginCell, loadMessage, toNano } from '@ton/core';
import { Chain, JETTON_FORWARD_TON, JETTON_TRANSFER_TON, Rejected, transferMessage } from './chain.js';
import {
    ZERO_HASH,
    blockId,
    formatAccountState,
    formatStack,
    formatTransaction,
    friendly,
    parseStack,
    transactionId,
    walletId,
    walletType,
} from './toncenter.js';

class ApiError extends Error {
    constructor(code, message) {
        super(message);
        this.code = code;
    }
}

function parseAddress(value) {
    if (typeof value !== 'string' || value === '') throw new ApiError(416, 'Incorrect address');
    try {
        return Address.parse(value);
    } catch {
        throw new ApiError(416, 'Incorrect address');
    }
}

/** A transaction hash as toncenter accepts it: base64, base64url or hex. */
function parseHash(value) {
    const v = String(value);
    if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length !== 32) throw new ApiError(422, 'hash: invalid transaction hash');
    return b;
}

function parseIntParam(value, name, { min, max, def }) {
    if (value === undefined || value === null || value === '') return def;
    const s = String(value);
    if (!/^-?\d+$/.test(s)) throw new ApiError(422, `${name}: value is not a valid integer`);
    const n = BigInt(s);
    if ((min !== undefined && n < BigInt(min)) || (max !== undefined && n > BigInt(max)))
        throw new ApiError(422, `${name}: out of range [${min}, ${max}]`);
    return n;
}

/** The external-in message of a sendBoc request; anything else (an internal message could mint value) is refused. */
function parseBoc(boc) {
    if (typeof boc !== 'string' || boc === '') throw new ApiError(400, 'boc: field required');
    let cell;
    let message;
    try {
        cell = Cell.fromBase64(boc);
        message = loadMessage(cell.beginParse());
    } catch (e) {
        throw new ApiError(400, `Failed to deserialize BOC: ${e.message}`);
    }
    if (message.info.type !== 'external-in') throw new ApiError(400, 'Failed to deserialize BOC: not an external-in message');
    return cell;
}

/** TEP-467 normalized hash of an external-in message: src none, import_fee 0, no init, body as a ref. */
function normalizedHash(cell) {
    const s = cell.beginParse();
    if (s.loadUint(2) !== 2) return undefined;
    s.loadAddressAny();
    const dest = s.loadAddress();
    s.loadCoins();
    if (s.loadBit()) {
        if (s.loadBit()) s.loadRef();
        else {
            // inline StateInit: skip it by parsing its fields
            if (s.loadBit()) s.loadUint(5);
            if (s.loadBit()) s.loadUint(2);
            s.loadMaybeRef();
            s.loadMaybeRef();
            s.loadMaybeRef();
        }
    }
    const body = s.loadBit() ? s.loadRef() : s.asCell();
    return beginCell()
        .storeUint(2, 2)
        .storeUint(0, 2)
        .storeAddress(dest)
        .storeCoins(0)
        .storeBit(0)
        .storeBit(1)
        .storeRef(body)
        .endCell()
        .hash();
}

function makeApi(chain) {
    async function sendBoc(params) {
        const cell = parseBoc(params.boc);
        try {
            await chain.sendExternal(cell);
        } catch (e) {
            if (e instanceof Rejected)
                throw new ApiError(
                    500,
                    `LITE_SERVER_UNKNOWN: cannot apply external message to current state : External message was not accepted\n${e.message}` +
                        (e.exitCode !== undefined ? ` (exit code ${e.exitCode})` : ''),
                );
            throw e;
        }
        return cell;
    }

    return {
        async sendBoc(params) {
            await sendBoc(params);
            return { '@type': 'ok' };
        },
        async sendBocReturnHash(params) {
            const cell = await sendBoc(params);
            const norm = normalizedHash(cell);
            return {
                '@type': 'raw.extMessageInfo',
                hash: cell.hash().toString('base64'),
                hash_norm: norm ? norm.toString('base64') : undefined,
            };
        },
        async getTransactions(params) {
            const address = parseAddress(params.address);
            const limit = Number(parseIntParam(params.limit, 'limit', { min: 1, max: 100, def: 10n }));
            const lt = parseIntParam(params.lt, 'lt', { min: 0, def: undefined });
            const toLt = parseIntParam(params.to_lt, 'to_lt', { min: 0, def: 0n });
            const hash = params.hash ? parseHash(params.hash) : undefined;
            const all = chain.transactionsOf(address);
            let start = all.length - 1;
            if (lt !== undefined && lt !== 0n) {
                start = all.findLastIndex((e) => e.tx.lt === lt && (!hash || e.tx.hash().equals(hash)));
                if (start < 0) throw new ApiError(500, 'LITE_SERVER_UNKNOWN: cannot locate transaction in block with specified logical time');
            }
            const out = [];
            for (let i = start; i >= 0 && out.length < limit; i--) {
                if (all[i].tx.lt <= toLt) break;
                out.push(formatTransaction(all[i]));
            }
            return out;
        },
        async getAddressInformation(params) {
            const address = parseAddress(params.address);
            return formatAccountState(chain, await chain.getContract(address));
        },
        async getAddressBalance(params) {
            const address = parseAddress(params.address);
            return (await chain.getContract(address)).balance.toString();
        },
        async getAddressState(params) {
            const address = parseAddress(params.address);
            return formatAccountState(chain, await chain.getContract(address)).state;
        },
        async getWalletInformation(params) {
            const address = parseAddress(params.address);
            const contract = await chain.getContract(address);
            const full = formatAccountState(chain, contract);
            const type = walletType(contract);
            const result = {
                wallet: type !== undefined,
                balance: full.balance,
                extra_currencies: [],
                account_state: full.state,
                last_transaction_id: full.last_transaction_id,
            };
            if (type !== undefined) {
                result.wallet_type = type;
                const res = await chain.runGetMethod(address, 'seqno', []);
                result.seqno = Number(res.stackReader.readBigNumber());
                result.wallet_id = walletId(type, contract.accountState.state.data);
            }
            return result;
        },
        async runGetMethod(params) {
            const address = parseAddress(params.address);
            const method = params.method;
            if (typeof method !== 'string' && typeof method !== 'number') throw new ApiError(422, 'method: field required');
            let stack;
            try {
                stack = parseStack(params.stack);
            } catch (e) {
                throw new ApiError(422, `stack: ${e.message}`);
            }
            const contract = await chain.getContract(address);
            if (contract.accountState?.type !== 'active') return { '@type': 'smc.runResult', gas_used: 0, stack: [], exit_code: -13 };
            const m = typeof method === 'string' && /^-?\d+$/.test(method) ? Number(method) : method;
            try {
                const res = await chain.runGetMethod(address, m, stack);
                return { '@type': 'smc.runResult', gas_used: Number(res.gasUsed), stack: formatStack(res.stack), exit_code: res.exitCode };
            } catch (e) {
                if (e?.exitCode !== undefined)
                    return { '@type': 'smc.runResult', gas_used: Number(e.gasUsed ?? 0), stack: [], exit_code: e.exitCode };
                throw e;
            }
        },
        async getMasterchainInfo() {
            const last = blockId(chain);
            return { '@type': 'blocks.masterchainInfo', last, state_root_hash: last.root_hash, init: { ...last, seqno: 0, root_hash: ZERO_HASH, file_hash: ZERO_HASH } };
        },
    };
}

function walletJson(w, jetton) {
    return {
        index: w.index,
        role: w.role,
        version: w.version,
        address: friendly(w.address),
        address_non_bounceable: w.address.toString({ urlSafe: true, bounceable: false }),
        address_raw: w.address.toRawString(),
        mnemonic: w.mnemonic.join(' '),
        public_key: w.keys.publicKey.toString('hex'),
        jetton_wallet: jetton ? friendly(jetton.walletOf(w.address)) : undefined,
    };
}

/** A jetton amount in its smallest unit, as a decimal string. */
function parseUnits(value, name) {
    const n = parseIntParam(value, name, { min: 0, def: undefined });
    if (n === undefined) throw new ApiError(422, `${name}: field required`);
    return n;
}

function txJson(tx) {
    return {
        address: friendly(new Address(0, Buffer.from(tx.address.toString(16).padStart(64, '0'), 'hex'))),
        transaction_id: transactionId(tx),
        aborted: tx.description.type === 'generic' ? tx.description.aborted : false,
    };
}

function makeControl(chain) {
    function requireJetton() {
        if (!chain.jetton) throw new ApiError(404, 'no jetton: the emulator was started with TON_EMU_JETTON=off');
        return chain.jetton;
    }

    function transferArgs(p) {
        const wallet = chain.findWallet(p.from);
        if (!wallet) throw new ApiError(404, 'from: no such wallet');
        parseAddress(p.to);
        const amount = parseIntParam(p.amount_nano, 'amount_nano', { min: 0, def: undefined });
        if (amount === undefined) throw new ApiError(422, 'amount_nano: field required');
        let msg;
        try {
            msg = transferMessage({ to: p.to, amount, comment: p.comment, body: p.body, bounce: p.bounce });
        } catch (e) {
            throw new ApiError(422, `body: ${e.message}`);
        }
        return { wallet, msg, opts: p.mode !== undefined ? { sendMode: Number(p.mode) } : undefined };
    }

    return {
        'GET /emulator/wallets': async () => ({
            platform: walletJson(chain.platform, chain.jetton),
            wallets: chain.wallets.map((w) => walletJson(w, chain.jetton)),
        }),
        'POST /emulator/wallets': async (p) => {
            const version = p.version ?? 'v4r2';
            if (version !== 'v4r2' && version !== 'v5r1') throw new ApiError(422, 'version: v4r2 or v5r1');
            const balance = parseIntParam(p.balance_nano, 'balance_nano', { min: 0, def: toNano('1000') });
            const jettons = parseIntParam(p.jetton_units, 'jetton_units', { min: 0, def: chain.participantJettons ?? 0n });
            const w = await chain.addWallet({ version, balance, mnemonic: p.mnemonic ? String(p.mnemonic).trim().split(/\s+/) : undefined });
            if (chain.jetton && jettons > 0n) await chain.mintJetton(w.address, jettons);
            return walletJson(w, chain.jetton);
        },
        'POST /emulator/external': async (p) => {
            const { wallet, msg, opts } = transferArgs(p);
            const ext = await chain.signExternal(wallet, [msg], opts);
            return { boc: ext.toBoc().toString('base64'), hash: ext.hash().toString('base64') };
        },
        'POST /emulator/transfer': async (p) => {
            const { wallet, msg, opts } = transferArgs(p);
            let res;
            try {
                res = await chain.transfer(wallet, [msg], opts);
            } catch (e) {
                if (e instanceof Rejected) throw new ApiError(500, `external message was not accepted: ${e.message}`);
                throw e;
            }
            return { message_hash: res.external.hash().toString('base64'), transactions: res.transactions.map(txJson) };
        },
        'GET /emulator/jetton': async () => {
            const j = requireJetton();
            return { symbol: j.symbol, decimals: j.decimals, master: friendly(j.address), master_raw: j.address.toRawString() };
        },
        'GET /emulator/jetton/balance': async (p) => {
            const j = requireJetton();
            const owner = parseAddress(p.owner);
            return { owner: friendly(owner), wallet: friendly(j.walletOf(owner)), balance: (await j.balanceOf(owner)).toString() };
        },
        'POST /emulator/jetton/mint': async (p) => {
            requireJetton();
            const to = parseAddress(p.to);
            const txs = await chain.mintJetton(to, parseUnits(p.amount, 'amount'));
            return { transactions: txs.map((tx) => transactionId(tx)) };
        },
        'POST /emulator/jetton/transfer': async (p) => {
            requireJetton();
            const wallet = chain.findWallet(p.from);
            if (!wallet) throw new ApiError(404, 'from: no such wallet');
            const to = parseAddress(p.to);
            const amount = parseUnits(p.amount, 'amount');
            const forwardTon = parseIntParam(p.forward_ton_nano, 'forward_ton_nano', { min: 0, def: JETTON_FORWARD_TON });
            const tonAmount = parseIntParam(p.ton_nano, 'ton_nano', { min: 1, def: JETTON_TRANSFER_TON });
            const queryId = parseIntParam(p.query_id, 'query_id', { min: 0, max: '18446744073709551615', def: 0n });
            let res;
            try {
                res = await chain.jettonTransfer(wallet, { to, amount, comment: p.comment, forwardTon, tonAmount, queryId });
            } catch (e) {
                if (e instanceof Rejected) throw new ApiError(500, `external message was not accepted: ${e.message}`);
                throw e;
            }
            return {
                message_hash: res.external.hash().toString('base64'),
                jetton_wallet: friendly(chain.jetton.walletOf(wallet.address)),
                transactions: res.transactions.map(txJson),
            };
        },
        'POST /emulator/fund': async (p) => {
            const address = parseAddress(p.address);
            const amount = parseIntParam(p.amount_nano, 'amount_nano', { min: 1, def: undefined });
            if (amount === undefined) throw new ApiError(422, 'amount_nano: field required');
            const txs = await chain.fund(address, amount);
            return { transactions: txs.map((tx) => transactionId(tx)) };
        },
        'POST /emulator/faults': async (p) => {
            const status = Number(p.status ?? 429);
            const count = Number(p.count ?? 1);
            if (![429, 500, 502, 503, 504].includes(status) || !(count >= 0)) throw new ApiError(422, 'status or count out of range');
            faults.status = status;
            faults.count = count;
            return { status, count };
        },
    };
}

/** Injected failures for the next `count` toncenter API requests (tests of client retries and rate limits). */
const faults = { status: 429, count: 0 };

function send(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > 8 * 1024 * 1024) {
                reject(new ApiError(413, 'request body too large'));
                req.destroy();
            } else chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}

function parseJson(text) {
    if (text.trim() === '') return {};
    try {
        const v = JSON.parse(text);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        return v;
    } catch {
        throw new ApiError(400, 'request body is not a JSON object');
    }
}

export function makeHandler(chain, { apiKey } = {}) {
    const api = makeApi(chain);
    const control = makeControl(chain);
    return async (req, res) => {
        const url = new URL(req.url, 'http://localhost');
        const path = url.pathname.replace(/\/+$/, '');
        try {
            if (path.startsWith('/emulator/')) {
                const fn = control[`${req.method} ${path}`];
                if (!fn) throw new ApiError(404, 'Not Found');
                const params = req.method === 'POST' ? parseJson(await readBody(req)) : Object.fromEntries(url.searchParams);
                return send(res, 200, { ok: true, result: await fn(params) });
            }
            if (!path.startsWith('/api/v2/')) throw new ApiError(404, 'Not Found');
            if (apiKey) {
                const given = req.headers['x-api-key'] ?? url.searchParams.get('api_key');
                if (given !== apiKey) throw new ApiError(401, 'API key does not exist');
            }
            if (faults.count > 0) {
                faults.count -= 1;
                if (faults.status === 429) return send(res, 429, { ok: false, result: 'Ratelimit exceed', code: 429 });
                return send(res, faults.status, { ok: false, error: 'injected failure', code: faults.status });
            }
            const name = path.slice('/api/v2/'.length);
            if (name === 'jsonRPC') {
                if (req.method !== 'POST') throw new ApiError(405, 'Method Not Allowed');
                const rpc = parseJson(await readBody(req));
                const fn = api[rpc.method];
                if (!fn) return send(res, 200, { ok: false, error: 'Method not found', code: -32601, id: rpc.id ?? null, jsonrpc: '2.0' });
                try {
                    const result = await fn(rpc.params ?? {});
                    return send(res, 200, { ok: true, result, id: rpc.id ?? null, jsonrpc: '2.0' });
                } catch (e) {
                    if (!(e instanceof ApiError)) throw e;
                    return send(res, 200, { ok: false, error: e.message, code: e.code, id: rpc.id ?? null, jsonrpc: '2.0' });
                }
            }
            const fn = Object.hasOwn(api, name) ? api[name] : undefined;
            if (!fn) throw new ApiError(404, 'Not Found');
            let params = Object.fromEntries(url.searchParams);
            if (req.method === 'POST') params = { ...params, ...parseJson(await readBody(req)) };
            else if (req.method !== 'GET') throw new ApiError(405, 'Method Not Allowed');
            return send(res, 200, { ok: true, result: await fn(params) });
        } catch (e) {
            if (e instanceof ApiError) return send(res, e.code >= 400 && e.code < 600 ? e.code : 500, { ok: false, error: e.message, code: e.code });
            console.error(e);
            return send(res, 500, { ok: false, error: `internal error: ${e?.message ?? e}`, code: 500 });
        }
    };
}

function argValue(name) {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function main() {
    const port = Number(argValue('--port') ?? process.env.TON_EMU_PORT ?? 0);
    const participants = Number(argValue('--participants') ?? process.env.TON_EMU_PARTICIPANTS ?? 4);
    const platformVersion = process.env.TON_EMU_PLATFORM_VERSION ?? 'v5r1';
    const platformMnemonic = process.env.TON_EMU_PLATFORM_MNEMONIC?.trim().split(/\s+/);
    const balance = toNano(process.env.TON_EMU_PARTICIPANT_BALANCE_TON ?? '1000');
    const platformBalance = toNano(process.env.TON_EMU_PLATFORM_BALANCE_TON ?? '1000');
    const apiKey = process.env.TON_EMU_API_KEY || undefined;
    const withJetton = !['0', 'off', 'false', 'no'].includes(String(process.env.TON_EMU_JETTON ?? 'on').toLowerCase());
    // Whole USDT per participant (the jetton has 6 decimals).
    const participantUsdt = BigInt(process.env.TON_EMU_PARTICIPANT_USDT ?? '1000');

    const chain = await Chain.create();
    await chain.addWallet({ role: 'platform', version: platformVersion, mnemonic: platformMnemonic, balance: platformBalance });
    for (let i = 0; i < participants; i++) await chain.addWallet({ version: i % 2 === 0 ? 'v4r2' : 'v5r1', balance });
    if (withJetton) {
        const jetton = await chain.deployJetton();
        chain.participantJettons = participantUsdt * 10n ** BigInt(jetton.decimals);
        for (const w of chain.wallets) await chain.mintJetton(w.address, chain.participantJettons);
    }

    const server = http.createServer(makeHandler(chain, { apiKey }));
    server.keepAliveTimeout = 5000;
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
    const actual = server.address().port;
    const lines = [`listening 127.0.0.1:${actual}`];
    const p = chain.platform;
    lines.push(`platform ${p.version} ${friendly(p.address)} ${p.address.toRawString()}`);
    if (!platformMnemonic) lines.push(`platform-mnemonic ${p.mnemonic.join(' ')}`);
    for (const w of chain.wallets) lines.push(`wallet ${w.index} ${w.version} ${friendly(w.address)} ${w.address.toRawString()}`);
    const j = chain.jetton;
    if (j) lines.push(`jetton ${j.symbol} ${j.decimals} ${friendly(j.address)} ${j.address.toRawString()}`);
    lines.push('ready');
    process.stdout.write(lines.join('\n') + '\n');

    const stop = () => server.close(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return server;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/server.js')) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
