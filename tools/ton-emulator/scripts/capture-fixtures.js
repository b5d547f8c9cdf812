#!/usr/bin/env node
// Captures toncenter replies from a fresh emulator into OUTDIR (one file per reply, the body exactly as served), for
// the C++ unit tests of the toncenter JSON parser: node scripts/capture-fixtures.js ../../tests/unit/chain/fixtures
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beginCell, external, internal, storeMessage, SendMode } from '@ton/core';
import { mnemonicToPrivateKey } from '@ton/crypto';
import { WalletContractV4 } from '@ton/ton';

const out = process.argv[2];
if (!out) {
    console.error('usage: capture-fixtures.js OUTDIR');
    process.exit(2);
}
mkdirSync(out, { recursive: true });
const server = fileURLToPath(new URL('../src/server.js', import.meta.url));
const child = spawn(process.execPath, [server, '--port', '0', '--participants', '2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
});
const lines = [];
await new Promise((resolve) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
        lines.push(l);
        if (l === 'ready') resolve();
    });
});
const base = `http://127.0.0.1:${lines[0].split(':')[1]}`;

async function raw(path, body) {
    const res = await fetch(base + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
}
function save(name, { status, text }) {
    writeFileSync(join(out, `${name}.json`), JSON.stringify(JSON.parse(text), null, 1) + '\n');
    console.log(`${name}: HTTP ${status}`);
}

try {
    const wallets = JSON.parse((await raw('/emulator/wallets')).text).result;
    const platform = wallets.platform.address;
    await raw('/emulator/transfer', { from: 0, to: platform, amount_nano: '1250000000', comment: 'onton_order=42 ✓' });
    await raw('/emulator/transfer', { from: 1, to: platform, amount_nano: '7', comment: 'second' });
    save('get_transactions', await raw(`/api/v2/getTransactions?address=${platform}&limit=4`));
    save('get_transactions_sender', await raw(`/api/v2/getTransactions?address=${wallets.wallets[0].address}&limit=1`));
    save('run_get_method_seqno', await raw('/api/v2/runGetMethod', { address: platform, method: 'seqno', stack: [] }));
    save('run_get_method_plugins', await raw('/api/v2/runGetMethod', { address: wallets.wallets[0].address, method: 'get_plugin_list', stack: [] }));
    save('run_get_method_missing', await raw('/api/v2/runGetMethod', { address: platform, method: 'no_such_method', stack: [] }));
    save('address_information_active', await raw(`/api/v2/getAddressInformation?address=${platform}`));
    save('address_information_uninit', await raw(`/api/v2/getAddressInformation?address=EQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4wJB`));
    save('wallet_information_v5', await raw(`/api/v2/getWalletInformation?address=${platform}`));
    save('wallet_information_v4', await raw(`/api/v2/getWalletInformation?address=${wallets.wallets[0].address}`));
    // A v4r2 transfer built with @ton/ton, accepted once; the same message again is refused (seqno used up).
    const w = wallets.wallets[0];
    const keys = await mnemonicToPrivateKey(w.mnemonic.split(' '));
    const wallet = WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey });
    const seqno = Number(BigInt(JSON.parse((await raw('/api/v2/runGetMethod', { address: w.address, method: 'seqno', stack: [] })).text).result.stack[0][1]));
    const body = wallet.createTransfer({
        seqno,
        secretKey: keys.secretKey,
        sendMode: SendMode.PAY_GAS_SEPARATELY,
        messages: [internal({ to: platform, value: 1000n, bounce: false, body: 'fixture' })],
    });
    const boc = beginCell().store(storeMessage(external({ to: wallet.address, body }))).endCell().toBoc().toString('base64');
    save('send_boc_return_hash', await raw('/api/v2/sendBocReturnHash', { boc }));
    save('send_boc_rejected', await raw('/api/v2/sendBocReturnHash', { boc }));
    save('bad_address', await raw('/api/v2/getAddressInformation?address=nope'));
    await raw('/emulator/faults', { status: 429, count: 1 });
    save('rate_limited', await raw(`/api/v2/getAddressBalance?address=${platform}`));
} finally {
    child.kill('SIGTERM');
}
