// The local chain: an @ton/sandbox Blockchain, the wallets it was started with, and our own log of every
// transaction the TVM executed (sandbox 0.41's getTransactions reverses its array in place and cannot page by
// hash, so the log here is the only source the API reads transactions from). It also deploys a TEP-74 jetton that
// plays USDT, with the compiled contracts of @ton-community/assets-sdk (loaded from node_modules, never committed).
import { createHash } from 'node:crypto';
import { Blockchain } from '@ton/sandbox';
import {
    Address,
    Cell,
    Dictionary,
    beginCell,
    comment as textComment,
    external,
    internal,
    storeMessage,
    SendMode,
    toNano,
} from '@ton/core';
import { JettonMinter } from '@ton-community/assets-sdk/dist/jetton/JettonMinter.js';
import { JettonWallet } from '@ton-community/assets-sdk/dist/jetton/JettonWallet.js';
import { storeJettonMintMessage } from '@ton-community/assets-sdk/dist/jetton/types/JettonMintMessage.js';
import { storeJettonTransferMessage } from '@ton-community/assets-sdk/dist/jetton/types/JettonTransferMessage.js';
import { mnemonicNew, mnemonicToPrivateKey, mnemonicValidate } from '@ton/crypto';
import { WalletContractV4, WalletContractV5R1 } from '@ton/ton';

/** Representation hashes (hex) of the wallet codes we recognise, as getWalletInformation reports them. */
export const WALLET_CODES = {
    '84dafa449f98a6987789ba232358072bc0f76dc4524002a5d0918b9a75d2d599': 'wallet v3 r2',
    feb5ff6820e2ff0d9483e7e0d62c817d846789fb4ae580c878866d959dabd5c0: 'wallet v4 r2',
    '20834b7b72b112147e1b2fb457b84e74d1a30f04f737d4f62a668e9552d2b72f': 'wallet v5 r1',
};

/** Pay fees separately and ignore errors (3): the value arrives exact, as TON Connect wallets send it. */
const DEFAULT_MODE = SendMode.PAY_GAS_SEPARATELY + SendMode.IGNORE_ERRORS;

/** Runs async functions one at a time, in call order: lt, seqno and the log must never interleave. */
class Serial {
    #tail = Promise.resolve();
    run(fn) {
        const next = this.#tail.then(fn, fn);
        this.#tail = next.catch(() => {});
        return next;
    }
}

function wallClock() {
    return Math.floor(Date.now() / 1000);
}

export function rawAddress(address) {
    return address.toRawString();
}

/** A sandbox rejection of an external message, with the TVM exit code when there was one. */
export class Rejected extends Error {
    constructor(message, exitCode) {
        super(message);
        this.exitCode = exitCode;
    }
}

export class Chain {
    /** @type {Blockchain} */
    bc;
    /** Every transaction in execution order (lt increasing). */
    log = [];
    /** raw address → transactions of that account, lt increasing. */
    byAccount = new Map();
    /** Number of sendMessage batches so far; reported as the masterchain seqno. */
    blocks = 0;
    wallets = [];
    platform;
    /** @type {Jetton | undefined} the USDT jetton, once deployJetton ran */
    jetton;
    /** Jetton units minted to each participant wallet (also to wallets added through the control route). */
    participantJettons = 0n;
    #serial = new Serial();
    #treasury;

    static async create(opts = {}) {
        const chain = new Chain();
        chain.bc = await Blockchain.create();
        chain.bc.verbosity = { print: false, blockchainLogs: false, vmLogs: 'none', debugLogs: false };
        chain.tick();
        chain.#treasury = await chain.bc.treasury('onton-emulator-treasury', { balance: toNano('1000000000') });
        return chain;
    }

    /** Follows wall time, never going back, so that wallets' valid_until checks see the real clock. */
    tick() {
        const now = wallClock();
        if (this.bc.now === undefined || now > this.bc.now) this.bc.now = now;
        return this.bc.now;
    }

    now() {
        return this.bc.now ?? wallClock();
    }

    #record(transactions) {
        this.blocks += 1;
        for (const tx of transactions) {
            const addr = new Address(0, bigintTo32(tx.address));
            const key = rawAddress(addr);
            const entry = { tx, address: addr, block: this.blocks };
            this.log.push(entry);
            if (!this.byAccount.has(key)) this.byAccount.set(key, []);
            this.byAccount.get(key).push(entry);
        }
        return transactions;
    }

    /** Sends an external message cell as toncenter's sendBoc does. Throws Rejected when it is not accepted. */
    sendExternal(cell) {
        return this.#serial.run(async () => {
            this.tick();
            let result;
            try {
                result = await this.bc.sendMessage(cell);
            } catch (e) {
                throw new Rejected(String(e?.message ?? e).split('\n')[0], e?.exitCode);
            }
            return this.#record(result.transactions);
        });
    }

    /** Sends `amount` nanotons from the treasury to `address` (non-bounceable), recording the transactions. */
    fund(address, amount) {
        return this.#serial.run(async () => {
            this.tick();
            const result = await this.#treasury.send({
                to: address,
                value: amount,
                bounce: false,
                sendMode: SendMode.PAY_GAS_SEPARATELY,
            });
            return this.#record(result.transactions);
        });
    }

    /** Creates a wallet from `mnemonic` (or a fresh one), funds it and deploys it with an empty transfer. */
    async addWallet({ version = 'v4r2', mnemonic, balance = toNano('1000'), role = 'participant' } = {}) {
        if (version !== 'v4r2' && version !== 'v5r1') throw new Error(`unknown wallet version ${version}`);
        const words = mnemonic ?? (await mnemonicNew(24));
        if (!(await mnemonicValidate(words))) throw new Error('invalid mnemonic');
        const keys = await mnemonicToPrivateKey(words);
        const contract =
            version === 'v4r2'
                ? WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey })
                : WalletContractV5R1.create({ workchain: 0, publicKey: keys.publicKey });
        const wallet = {
            index: role === 'platform' ? 'platform' : this.wallets.length,
            role,
            version,
            mnemonic: words,
            keys,
            contract,
            address: contract.address,
        };
        if (role === 'platform') this.platform = wallet;
        else this.wallets.push(wallet);
        await this.fund(contract.address, balance);
        await this.transfer(wallet, []);
        return wallet;
    }

    async seqno(wallet) {
        const state = (await this.bc.getContract(wallet.address)).accountState;
        if (state?.type !== 'active') return 0;
        const res = await this.bc.runGetMethod(wallet.address, 'seqno', []);
        return Number(res.stackReader.readBigNumber());
    }

    /**
     * Makes `wallet` sign and send an external message carrying `messages` (internal, relaxed). It is built the way
     * @ton/ton builds it and executed by the TVM; returns {external (Cell), transactions}.
     */
    transfer(wallet, messages, { sendMode = DEFAULT_MODE } = {}) {
        return this.#serial.run(async () => {
            this.tick();
            const ext = await this.#buildExternal(wallet, messages, sendMode);
            let result;
            try {
                result = await this.bc.sendMessage(ext);
            } catch (e) {
                throw new Rejected(String(e?.message ?? e).split('\n')[0], e?.exitCode);
            }
            return { external: ext, transactions: this.#record(result.transactions) };
        });
    }

    /** The external message `transfer` would send, signed for the wallet's current seqno, without sending it. */
    signExternal(wallet, messages, { sendMode = DEFAULT_MODE } = {}) {
        return this.#serial.run(async () => {
            this.tick();
            return this.#buildExternal(wallet, messages, sendMode);
        });
    }

    async #buildExternal(wallet, messages, sendMode) {
        const seqno = await this.seqno(wallet);
        const body = await wallet.contract.createTransfer({
            seqno,
            secretKey: wallet.keys.secretKey,
            messages,
            sendMode,
            timeout: this.now() + 60,
        });
        const deployed = (await this.bc.getContract(wallet.address)).accountState?.type === 'active';
        const init = deployed ? undefined : wallet.contract.init;
        return beginCell().store(storeMessage(external({ to: wallet.address, init, body }))).endCell();
    }

    /** Transactions of `address` (an Address), lt increasing. */
    transactionsOf(address) {
        return this.byAccount.get(rawAddress(address)) ?? [];
    }

    runGetMethod(address, method, stack) {
        return this.#serial.run(async () => {
            this.tick();
            return this.bc.runGetMethod(address, method, stack);
        });
    }

    getContract(address) {
        return this.#serial.run(() => this.bc.getContract(address));
    }

    /**
     * Deploys the jetton master (admin: the treasury) with on-chain metadata. Once per chain; later calls return it.
     */
    async deployJetton({ symbol = 'USDT', name = 'Tether USD (emulator)', decimals = 6 } = {}) {
        if (this.jetton) return this.jetton;
        const minter = JettonMinter.createFromConfig({
            admin: this.#treasury.address,
            content: onchainContent({ name, symbol, decimals: String(decimals) }),
        });
        await this.#treasurySend({ to: minter.address, value: toNano('0.1'), bounce: false, init: minter.init });
        const state = (await this.bc.getContract(minter.address)).accountState;
        if (state?.type !== 'active') throw new Error('the jetton master did not deploy');
        this.jetton = new Jetton(this, minter, symbol, decimals);
        return this.jetton;
    }

    /** The treasury (the jetton's admin) mints `amount` jetton units to `owner` (an Address). */
    mintJetton(owner, amount) {
        if (!this.jetton) throw new Error('no jetton deployed');
        const body = beginCell()
            .store(
                storeJettonMintMessage({
                    queryId: 0n,
                    amount,
                    from: this.jetton.address,
                    to: owner,
                    responseAddress: null,
                    forwardPayload: null,
                    forwardTonAmount: 0n,
                    walletForwardValue: toNano('0.05'),
                }),
            )
            .endCell();
        return this.#treasurySend({ to: this.jetton.address, value: toNano('0.1'), bounce: true, body });
    }

    /**
     * `wallet` moves `amount` jetton units to the owner `to` (an Address): a TEP-74 `transfer` to its own jetton
     * wallet with `comment` (if any) as the forward payload, `forwardTon` for the notification and `tonAmount`
     * attached; the excess returns to `wallet`. Returns what `transfer` returns.
     */
    jettonTransfer(wallet, { to, amount, comment, forwardTon = JETTON_FORWARD_TON, tonAmount = JETTON_TRANSFER_TON, queryId = 0n }) {
        if (!this.jetton) throw new Error('no jetton deployed');
        const body = beginCell()
            .store(
                storeJettonTransferMessage({
                    queryId,
                    amount,
                    destination: to,
                    responseDestination: wallet.address,
                    customPayload: null,
                    forwardAmount: forwardTon,
                    forwardPayload: comment === undefined || comment === null ? null : textComment(String(comment)),
                }),
            )
            .endCell();
        const message = internal({ to: this.jetton.walletOf(wallet.address), value: tonAmount, bounce: true, body });
        return this.transfer(wallet, [message]);
    }

    #treasurySend(args) {
        return this.#serial.run(async () => {
            this.tick();
            const result = await this.#treasury.send({ sendMode: SendMode.PAY_GAS_SEPARATELY, ...args });
            return this.#record(result.transactions);
        });
    }

    /** A wallet by index, 'platform', or address. */
    findWallet(ref) {
        if (ref === 'platform') return this.platform;
        if (typeof ref === 'number' || /^\d+$/.test(String(ref))) return this.wallets[Number(ref)];
        try {
            const addr = Address.parse(String(ref));
            return [this.platform, ...this.wallets].find((w) => w.address.equals(addr));
        } catch {
            return undefined;
        }
    }
}

function bigintTo32(n) {
    return Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
}

/** Builds an internal message for a wallet transfer. */
export function transferMessage({ to, amount, comment, body, bounce }) {
    const dest = Address.parse(to);
    let payload;
    if (body !== undefined) payload = Cell.fromBase64(body);
    else if (comment !== undefined && comment !== null) payload = comment;
    return internal({ to: dest, value: BigInt(amount), bounce: bounce ?? false, body: payload });
}

// --- the USDT jetton ---------------------------------------------------------------------------------------

/** TEP-64 on-chain content: 0x00, then a dictionary sha256(key) → ^(0x00 ‖ snake text). */
function onchainContent(fields) {
    const dict = Dictionary.empty(Dictionary.Keys.BigUint(256), Dictionary.Values.Cell());
    for (const [key, value] of Object.entries(fields)) {
        const hash = BigInt('0x' + createHash('sha256').update(key).digest('hex'));
        dict.set(hash, beginCell().storeUint(0, 8).storeStringTail(value).endCell());
    }
    return beginCell().storeUint(0, 8).storeDict(dict).endCell();
}

/** TON a participant attaches to a jetton transfer: the wallets' gas, the forward and the excess that returns. */
export const JETTON_TRANSFER_TON = toNano('0.1');
/** TON the recipient gets with its transfer_notification (> 0, or no notification is sent). */
export const JETTON_FORWARD_TON = toNano('0.01');

/**
 * A TEP-74 jetton (the minter and wallet code of @ton-community/assets-sdk, loaded from node_modules) playing USDT:
 * 6 decimals, minted by the emulator's treasury (its admin).
 */
export class Jetton {
    symbol;
    decimals;
    /** @type {JettonMinter} */
    minter;
    #chain;

    constructor(chain, minter, symbol, decimals) {
        this.#chain = chain;
        this.minter = minter;
        this.symbol = symbol;
        this.decimals = decimals;
    }

    get address() {
        return this.minter.address;
    }

    /** The jetton wallet of `owner` (an Address), derived as the minter's get_wallet_address does. */
    walletOf(owner) {
        return JettonWallet.createFromConfig({ owner, jettonMaster: this.minter.address }).address;
    }

    /** The jetton balance of `owner` (0 while its jetton wallet is not deployed). */
    async balanceOf(owner) {
        const address = this.walletOf(owner);
        const contract = await this.#chain.getContract(address);
        if (contract.accountState?.type !== 'active') return 0n;
        const res = await this.#chain.runGetMethod(address, 'get_wallet_data', []);
        return res.stackReader.readBigNumber();
    }
}
