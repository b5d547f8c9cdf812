// Runs the emulator as its own process (the startup contract included) and checks the toncenter subset against it,
// partly through @ton/ton's TonClient, whose zod schemas reject any JSON shape toncenter would not send.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Address, Cell, beginCell, external, internal, storeMessage, toNano, SendMode } from '@ton/core';
import { mnemonicToPrivateKey } from '@ton/crypto';
import { TonClient, WalletContractV4, WalletContractV5R1 } from '@ton/ton';

const serverPath = fileURLToPath(new URL('../src/server.js', import.meta.url));

async function startEmulator(env = {}) {
    const child = spawn(process.execPath, [serverPath, '--port', '0', '--participants', '2'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = [];
    const rl = createInterface({ input: child.stdout });
    await new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
        rl.on('line', (line) => {
            lines.push(line);
            if (line === 'ready') resolve();
        });
    });
    const m = /^listening 127\.0\.0\.1:(\d+)$/.exec(lines[0]);
    assert.ok(m, `first line announces the port: ${lines[0]}`);
    return { child, lines, base: `http://127.0.0.1:${m[1]}` };
}

let emu;
let wallets;

async function call(path, { method = 'GET', body, headers = {} } = {}) {
    const res = await fetch(emu.base + path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
}

async function ok(path, opts) {
    const { status, json } = await call(path, opts);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.ok, true);
    return json.result;
}

function txs(address, params = {}) {
    const q = new URLSearchParams({ address, ...params });
    return ok(`/api/v2/getTransactions?${q}`);
}

async function seqno(address) {
    const r = await ok('/api/v2/runGetMethod', { method: 'POST', body: { address, method: 'seqno', stack: [] } });
    assert.equal(r.exit_code, 0);
    assert.equal(r.stack[0][0], 'num');
    return Number(BigInt(r.stack[0][1]));
}

before(async () => {
    emu = await startEmulator();
    wallets = await ok('/emulator/wallets');
});

after(() => {
    emu?.child.kill('SIGTERM');
});

test('startup prints the platform wallet and the participants', () => {
    assert.match(emu.lines[1], /^platform v5r1 EQ\S{46} 0:[0-9a-f]{64}$/);
    assert.ok(emu.lines.some((l) => l.startsWith('platform-mnemonic ') && l.split(' ').length === 25));
    assert.equal(wallets.wallets.length, 2);
    assert.deepEqual(
        wallets.wallets.map((w) => w.version),
        ['v4r2', 'v5r1'],
    );
    assert.equal(emu.lines[1].split(' ')[2], wallets.platform.address);
    // The jetton line comes after every line that was there before it, just before `ready`.
    assert.match(emu.lines.at(-2), /^jetton USDT 6 EQ\S{46} 0:[0-9a-f]{64}$/);
    assert.equal(emu.lines.at(-1), 'ready');
    assert.ok(emu.lines.findIndex((l) => l.startsWith('wallet ')) < emu.lines.length - 2);
});

test('a transfer with a comment shows up in the recipient history with its value and comment', async () => {
    const platform = wallets.platform.address;
    const sent = await ok('/emulator/transfer', {
        method: 'POST',
        body: { from: 0, to: platform, amount_nano: '1250000000', comment: 'onton_order=42 ✓' },
    });
    const [head] = await txs(platform, { limit: 1 });
    assert.equal(head.in_msg.source, wallets.wallets[0].address);
    assert.equal(head.in_msg.destination, platform);
    assert.equal(head.in_msg.value, '1250000000');
    assert.equal(head.in_msg.message, 'onton_order=42 ✓');
    assert.equal(head.in_msg.msg_data['@type'], 'msg.dataText');
    assert.equal(Buffer.from(head.in_msg.msg_data.text, 'base64').toString('utf8'), 'onton_order=42 ✓');
    assert.deepEqual(head.transaction_id, sent.transactions.at(-1).transaction_id);
    // The sender's transaction carries the external message in and the internal one out.
    const [out] = await txs(wallets.wallets[0].address, { limit: 1 });
    assert.equal(out.in_msg.source, '');
    assert.equal(out.out_msgs.length, 1);
    assert.equal(out.out_msgs[0].message, 'onton_order=42 ✓');
});

test('paging by lt and hash returns older transactions without repeats', async () => {
    const platform = wallets.platform.address;
    for (let i = 0; i < 5; i++)
        await ok('/emulator/transfer', {
            method: 'POST',
            body: { from: 1, to: platform, amount_nano: String(1_000_000 + i), comment: `page-${i}` },
        });
    const all = await txs(platform, { limit: 100 });
    assert.ok(all.length >= 7);
    for (let i = 1; i < all.length; i++) assert.ok(BigInt(all[i - 1].transaction_id.lt) > BigInt(all[i].transaction_id.lt));
    assert.equal(all[0].in_msg.message, 'page-4');

    const seen = [];
    let page = await txs(platform, { limit: 3 });
    seen.push(...page);
    while (page.length === 3) {
        const last = page.at(-1).transaction_id;
        // toncenter's start is inclusive: ask for one more and drop the first, as @ton/ton does.
        const next = await txs(platform, { limit: 4, lt: last.lt, hash: last.hash });
        assert.deepEqual(next[0].transaction_id, last);
        page = next.slice(1);
        seen.push(...page);
    }
    assert.deepEqual(
        seen.map((t) => t.transaction_id.lt),
        all.map((t) => t.transaction_id.lt),
    );
    // The hash may also be given as hex; to_lt is an exclusive lower bound.
    const mid = all[2].transaction_id;
    const hex = Buffer.from(mid.hash, 'base64').toString('hex');
    const fromMid = await txs(platform, { limit: 10, lt: mid.lt, hash: hex, to_lt: all[4].transaction_id.lt });
    assert.deepEqual(
        fromMid.map((t) => t.transaction_id.lt),
        [all[2], all[3]].map((t) => t.transaction_id.lt),
    );
    const { status, json } = await call(`/api/v2/getTransactions?address=${platform}&lt=${mid.lt}&hash=${'A'.repeat(43)}=`);
    assert.equal(status, 500);
    assert.equal(json.ok, false);
});

test('runGetMethod seqno follows the wallet and getWalletInformation agrees', async () => {
    const w = wallets.wallets[0];
    const before = await seqno(w.address);
    await ok('/emulator/transfer', { method: 'POST', body: { from: 0, to: wallets.platform.address, amount_nano: '1000' } });
    assert.equal(await seqno(w.address), before + 1);
    const info = await ok(`/api/v2/getWalletInformation?address=${w.address}`);
    assert.equal(info.wallet, true);
    assert.equal(info.wallet_type, 'wallet v4 r2');
    assert.equal(info.seqno, before + 1);
    assert.equal(info.wallet_id, 698983191);
    assert.equal(info.account_state, 'active');
    const unknown = await ok('/api/v2/runGetMethod', {
        method: 'POST',
        body: { address: w.address, method: 'no_such_method', stack: [] },
    });
    assert.notEqual(unknown.exit_code, 0);
    const nobody = new Address(0, Buffer.alloc(32, 7)).toString();
    const fresh = await ok(`/api/v2/getAddressInformation?address=${nobody}`);
    assert.equal(fresh.state, 'uninitialized');
    assert.equal(fresh.balance, '0');
});

test('sendBoc executes a wallet external message built with @ton/ton, and a replay is refused', async () => {
    const w = wallets.wallets[1];
    const keys = await mnemonicToPrivateKey(w.mnemonic.split(' '));
    const wallet = WalletContractV5R1.create({ workchain: 0, publicKey: keys.publicKey });
    assert.equal(wallet.address.toString(), w.address);
    const s = await seqno(w.address);
    const body = wallet.createTransfer({
        seqno: s,
        secretKey: keys.secretKey,
        sendMode: SendMode.PAY_GAS_SEPARATELY + SendMode.IGNORE_ERRORS,
        messages: [internal({ to: Address.parse(wallets.platform.address), value: toNano('2'), bounce: false, body: 'by sendBoc' })],
    });
    const ext = beginCell().store(storeMessage(external({ to: wallet.address, body }))).endCell();
    const boc = ext.toBoc().toString('base64');
    const r = await ok('/api/v2/sendBocReturnHash', { method: 'POST', body: { boc } });
    assert.equal(r.hash, ext.hash().toString('base64'));
    assert.equal(await seqno(w.address), s + 1);
    const [head] = await txs(wallets.platform.address, { limit: 1 });
    assert.equal(head.in_msg.message, 'by sendBoc');
    assert.equal(head.in_msg.value, '2000000000');
    const replay = await call('/api/v2/sendBoc', { method: 'POST', body: { boc } });
    assert.equal(replay.status, 500);
    assert.equal(replay.json.ok, false);
    assert.match(replay.json.error, /External message was not accepted/);
});

test('expired valid_until and non-external BOCs are refused; the clock follows wall time', async () => {
    const w = wallets.wallets[0];
    const keys = await mnemonicToPrivateKey(w.mnemonic.split(' '));
    const wallet = WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey });
    const s = await seqno(w.address);
    const transfer = (timeout) =>
        beginCell()
            .store(
                storeMessage(
                    external({
                        to: wallet.address,
                        body: wallet.createTransfer({
                            seqno: s,
                            secretKey: keys.secretKey,
                            timeout,
                            sendMode: SendMode.PAY_GAS_SEPARATELY + SendMode.IGNORE_ERRORS,
                            messages: [internal({ to: wallets.platform.address, value: toNano('0.01'), bounce: false })],
                        }),
                    }),
                ),
            )
            .endCell()
            .toBoc()
            .toString('base64');
    const now = Math.floor(Date.now() / 1000);
    const expired = await call('/api/v2/sendBoc', { method: 'POST', body: { boc: transfer(now - 5) } });
    assert.equal(expired.status, 500);
    assert.match(expired.json.error, /exit code 36/); // v4: valid_until passed
    assert.equal(await seqno(w.address), s);
    await ok('/api/v2/sendBoc', { method: 'POST', body: { boc: transfer(now + 30) } });
    assert.equal(await seqno(w.address), s + 1);
    const [head] = await txs(w.address, { limit: 1 });
    assert.ok(Math.abs(head.utime - now) <= 5, `utime ${head.utime} follows wall time ${now}`);

    const minted = beginCell()
        .store(storeMessage(internal({ to: wallets.platform.address, value: toNano('1000000'), bounce: false })))
        .endCell();
    const refused = await call('/api/v2/sendBoc', { method: 'POST', body: { boc: minted.toBoc().toString('base64') } });
    assert.equal(refused.status, 400);
    const garbage = await call('/api/v2/sendBoc', { method: 'POST', body: { boc: 'bm90IGEgYm9j' } });
    assert.equal(garbage.status, 400);
});

test('/emulator/external signs without sending; sendBoc then executes it', async () => {
    const w = wallets.wallets[0];
    const s = await seqno(w.address);
    const signed = await ok('/emulator/external', {
        method: 'POST',
        body: { from: 0, to: wallets.platform.address, amount_nano: '3000', comment: 'signed only' },
    });
    assert.equal(await seqno(w.address), s);
    const r = await ok('/api/v2/sendBocReturnHash', { method: 'POST', body: { boc: signed.boc } });
    assert.equal(r.hash, signed.hash);
    assert.equal(await seqno(w.address), s + 1);
    const [head] = await txs(wallets.platform.address, { limit: 1 });
    assert.equal(head.in_msg.message, 'signed only');
});

test('TonClient from @ton/ton works unchanged against the emulator', async () => {
    const client = new TonClient({ endpoint: `${emu.base}/api/v2/jsonRPC` });
    const w = wallets.wallets[0];
    const keys = await mnemonicToPrivateKey(w.mnemonic.split(' '));
    const wallet = client.open(WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey }));
    const s = await wallet.getSeqno();
    await wallet.sendTransfer({
        seqno: s,
        secretKey: keys.secretKey,
        sendMode: SendMode.PAY_GAS_SEPARATELY,
        messages: [internal({ to: wallets.platform.address, value: toNano('0.5'), bounce: false, body: 'via TonClient' })],
    });
    assert.equal(await wallet.getSeqno(), s + 1);
    const list = await client.getTransactions(Address.parse(wallets.platform.address), { limit: 3 });
    const info = list[0].inMessage.info;
    assert.equal(info.type, 'internal');
    assert.equal(info.value.coins, toNano('0.5'));
    assert.equal(list[0].inMessage.body.beginParse().skip(32).loadStringTail(), 'via TonClient');
    const older = await client.getTransactions(Address.parse(wallets.platform.address), {
        limit: 2,
        lt: list[0].lt.toString(),
        hash: list[0].hash().toString('base64'),
    });
    // TonClient asks for limit+1 and drops the inclusive start, so it continues right after list[0].
    assert.equal(older[0].lt, list[1].lt);
    assert.ok(await client.getBalance(Address.parse(wallets.platform.address)) > 0n);
});

test('injected 429 answers with toncenter rate-limit body, then service resumes', async () => {
    await ok('/emulator/faults', { method: 'POST', body: { status: 429, count: 1 } });
    const limited = await call(`/api/v2/getAddressBalance?address=${wallets.platform.address}`);
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.json, { ok: false, result: 'Ratelimit exceed', code: 429 });
    const again = await ok(`/api/v2/getAddressBalance?address=${wallets.platform.address}`);
    assert.match(again, /^\d+$/);
});

test('a configured API key is required; a given platform mnemonic and version are used', async () => {
    const mnemonic = wallets.platform.mnemonic;
    const keyed = await startEmulator({
        TON_EMU_API_KEY: 'secret-key',
        TON_EMU_PLATFORM_MNEMONIC: mnemonic,
        TON_EMU_PLATFORM_VERSION: 'v4r2',
    });
    try {
        const keys = await mnemonicToPrivateKey(mnemonic.split(' '));
        const v4 = WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey });
        assert.equal(keyed.lines[1].split(' ')[2], v4.address.toString());
        assert.equal(keyed.lines[1].split(' ')[1], 'v4r2');
        assert.ok(!keyed.lines.some((l) => l.startsWith('platform-mnemonic')), 'a given mnemonic is not printed');
        const url = `${keyed.base}/api/v2/getMasterchainInfo`;
        assert.equal((await fetch(url)).status, 401);
        assert.equal((await fetch(url, { headers: { 'X-API-Key': 'wrong' } })).status, 401);
        assert.equal((await fetch(url, { headers: { 'X-API-Key': 'secret-key' } })).status, 200);
        assert.equal((await fetch(`${url}?api_key=secret-key`)).status, 200);
    } finally {
        keyed.child.kill('SIGTERM');
    }
});

// --- the USDT jetton ---------------------------------------------------------------------------------------

const jettonOp = (body) => Cell.fromBase64(body).beginParse().loadUint(32);

test('the USDT jetton master answers get_jetton_data and get_wallet_address; participants hold 1000 USDT', async () => {
    const jetton = await ok('/emulator/jetton');
    assert.equal(jetton.symbol, 'USDT');
    assert.equal(jetton.decimals, 6);
    assert.equal(emu.lines.at(-2).split(' ')[3], jetton.master);
    const data = await ok('/api/v2/runGetMethod', { method: 'POST', body: { address: jetton.master, method: 'get_jetton_data', stack: [] } });
    assert.equal(data.exit_code, 0);
    assert.equal(BigInt(data.stack[0][1]), 2n * 1000n * 10n ** 6n, 'total supply: what was minted to the two participants');
    const owner = wallets.wallets[0];
    const arg = beginCell().storeAddress(Address.parse(owner.address)).endCell().toBoc().toString('base64');
    const res = await ok('/api/v2/runGetMethod', {
        method: 'POST',
        body: { address: jetton.master, method: 'get_wallet_address', stack: [['tvm.Slice', arg]] },
    });
    assert.equal(res.exit_code, 0);
    const walletAddress = Cell.fromBase64(res.stack[0][1].bytes).beginParse().loadAddress();
    assert.equal(walletAddress.toString(), owner.jetton_wallet);
    const balance = await ok(`/emulator/jetton/balance?owner=${owner.address}`);
    assert.equal(balance.wallet, owner.jetton_wallet);
    assert.equal(balance.balance, '1000000000');
});

test('a jetton transfer with a comment reaches the recipient as a transfer_notification from its jetton wallet', async () => {
    const platform = wallets.platform;
    const before = BigInt((await ok(`/emulator/jetton/balance?owner=${wallets.wallets[1].address}`)).balance);
    const sent = await ok('/emulator/jetton/transfer', {
        method: 'POST',
        body: { from: 1, to: platform.address, amount: '5000000', comment: 'onton:usdt ✓', query_id: '42' },
    });
    assert.ok(sent.transactions.every((t) => !t.aborted), JSON.stringify(sent.transactions));
    const [head] = await txs(platform.address, { limit: 1 });
    const platformJetton = await ok(`/emulator/jetton/balance?owner=${platform.address}`);
    // The notification comes from the platform's own jetton wallet, with the forward TON > 0.
    assert.equal(head.in_msg.source, platformJetton.wallet);
    assert.equal(head.in_msg.value, '10000000');
    const body = Cell.fromBase64(head.in_msg.msg_data.body).beginParse();
    assert.equal(body.loadUint(32), 0x7362d09c);
    assert.equal(body.loadUintBig(64), 42n);
    assert.equal(body.loadCoins(), 5000000n);
    assert.equal(body.loadAddress().toString(), wallets.wallets[1].address, 'sender: the payer, not its jetton wallet');
    assert.equal(body.loadBit(), true, 'the comment travels in a ref');
    const payload = body.loadRef().beginParse();
    assert.equal(payload.loadUint(32), 0);
    assert.equal(payload.loadStringTail(), 'onton:usdt ✓');
    assert.equal(platformJetton.balance, '5000000');
    const after = BigInt((await ok(`/emulator/jetton/balance?owner=${wallets.wallets[1].address}`)).balance);
    assert.equal(before - after, 5000000n);
    // The excess TON goes back to the payer (the response destination) with op excesses.
    const [excess] = await txs(wallets.wallets[1].address, { limit: 1 });
    assert.equal(jettonOp(excess.in_msg.msg_data.body), 0xd53276db);
});

test('a new wallet gets its USDT; mint and refusals', async () => {
    const w = await ok('/emulator/wallets', { method: 'POST', body: { version: 'v5r1', jetton_units: '7000000' } });
    assert.equal((await ok(`/emulator/jetton/balance?owner=${w.address}`)).balance, '7000000');
    await ok('/emulator/jetton/mint', { method: 'POST', body: { to: w.address, amount: '3000000' } });
    assert.equal((await ok(`/emulator/jetton/balance?owner=${w.address}`)).balance, '10000000');
    // More than the balance: the jetton wallet refuses it (its transaction aborts) and nothing moves.
    const sent = await ok('/emulator/jetton/transfer', {
        method: 'POST',
        body: { from: w.address, to: wallets.platform.address, amount: '10000001' },
    });
    assert.ok(sent.transactions.some((t) => t.aborted));
    assert.equal((await ok(`/emulator/jetton/balance?owner=${w.address}`)).balance, '10000000');
    assert.equal((await call('/emulator/jetton/transfer', { method: 'POST', body: { from: 99, to: w.address, amount: '1' } })).status, 404);
    assert.equal((await call('/emulator/jetton/transfer', { method: 'POST', body: { from: 0, to: 'nope', amount: '1' } })).status, 416);
    assert.equal((await call('/emulator/jetton/transfer', { method: 'POST', body: { from: 0, to: w.address } })).status, 422);
});

test('TON_EMU_JETTON=off starts without a jetton', async () => {
    const plain = await startEmulator({ TON_EMU_JETTON: 'off' });
    try {
        assert.ok(!plain.lines.some((l) => l.startsWith('jetton ')));
        assert.equal((await fetch(`${plain.base}/emulator/jetton`)).status, 404);
    } finally {
        plain.child.kill('SIGTERM');
    }
});
