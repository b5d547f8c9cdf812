// toncenter v2 JSON shapes (ton-http-api pyTON / pytonlib, and the zod schemas of @ton/ton's HttpApi), built from
// the transactions and account states the sandbox actually holds.
import { Address, Cell, beginCell, storeMessage, storeStateInit, storeTransaction } from '@ton/core';
import { WALLET_CODES } from './chain.js';

export const ZERO_HASH = Buffer.alloc(32).toString('base64');
const SHARD = '-9223372036854775808';

export function friendly(address) {
    return address.toString({ urlSafe: true, bounceable: true, testOnly: false });
}

function addressOrEmpty(a) {
    if (!a) return '';
    if (Address.isAddress(a)) return friendly(a);
    return ''; // external addresses (addr_extern) have no friendly form
}

/** Comment text when the body is op 0 followed by valid UTF-8 snake text, else undefined. */
export function commentOf(body) {
    try {
        let cur = body.beginParse();
        if (cur.remainingBits < 32 || cur.loadUint(32) !== 0) return undefined;
        const chunks = [];
        for (;;) {
            if (cur.remainingBits % 8 !== 0 || cur.remainingRefs > 1) return undefined;
            chunks.push(cur.loadBuffer(cur.remainingBits / 8));
            if (cur.remainingRefs === 0) break;
            cur = cur.loadRef().beginParse();
        }
        const bytes = Buffer.concat(chunks);
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        return { text, bytes };
    } catch {
        return undefined;
    }
}

function rootDataBase64(cell) {
    const bits = cell.bits;
    const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
    for (let i = 0; i < bits.length; i++) if (bits.at(i)) bytes[i >> 3] |= 0x80 >> (i & 7);
    return bytes.toString('base64');
}

export function formatMessage(msg) {
    const info = msg.info;
    const body = msg.body ?? new Cell();
    const comment = commentOf(body);
    const out = {
        '@type': 'raw.message',
        hash: beginCell().store(storeMessage(msg)).endCell().hash().toString('base64'),
        source: info.type === 'external-in' ? '' : addressOrEmpty(info.src),
        destination: info.type === 'external-out' ? '' : addressOrEmpty(info.dest),
        value: info.type === 'internal' ? info.value.coins.toString() : '0',
        extra_currencies: [],
        fwd_fee: info.type === 'internal' ? info.forwardFee.toString() : '0',
        ihr_fee: info.type === 'internal' ? info.ihrFee.toString() : '0',
        created_lt: info.type === 'external-in' ? '0' : info.createdLt.toString(),
        body_hash: body.hash().toString('base64'),
    };
    if (comment) {
        out.msg_data = { '@type': 'msg.dataText', text: comment.bytes.toString('base64') };
        out.message = comment.text;
    } else {
        out.msg_data = {
            '@type': 'msg.dataRaw',
            body: body.toBoc().toString('base64'),
            init_state: msg.init ? stateInitBoc(msg.init) : '',
        };
        out.message = rootDataBase64(body);
    }
    return out;
}

function stateInitBoc(init) {
    return beginCell().store(storeStateInit(init)).endCell().toBoc().toString('base64');
}

export function transactionId(tx) {
    return { '@type': 'internal.transactionId', lt: tx.lt.toString(), hash: tx.hash().toString('base64') };
}

export function formatTransaction(entry) {
    const { tx, address } = entry;
    const fee = tx.totalFees.coins;
    const d = tx.description;
    const storage = d.type === 'generic' && d.storagePhase ? d.storagePhase.storageFeesCollected : 0n;
    const outs = [];
    for (const key of [...tx.outMessages.keys()].sort((a, b) => a - b)) outs.push(formatMessage(tx.outMessages.get(key)));
    return {
        '@type': 'raw.transaction',
        address: { '@type': 'accountAddress', account_address: friendly(address) },
        utime: tx.now,
        data: beginCell().store(storeTransaction(tx)).endCell().toBoc().toString('base64'),
        transaction_id: transactionId(tx),
        fee: fee.toString(),
        storage_fee: storage.toString(),
        other_fee: (fee - storage).toString(),
        in_msg: tx.inMessage ? formatMessage(tx.inMessage) : undefined,
        out_msgs: outs,
    };
}

export function blockId(chain) {
    const h = Buffer.alloc(32);
    h.writeUInt32BE(chain.blocks >>> 0, 28);
    return {
        '@type': 'ton.blockIdExt',
        workchain: -1,
        shard: SHARD,
        seqno: chain.blocks,
        root_hash: h.toString('base64'),
        file_hash: h.toString('base64'),
    };
}

/** getAddressInformation's raw.fullAccountState. */
export function formatAccountState(chain, contract) {
    const st = contract.accountState;
    const state = !st || st.type === 'uninit' ? 'uninitialized' : st.type === 'active' ? 'active' : 'frozen';
    const code = st?.type === 'active' && st.state.code ? st.state.code.toBoc().toString('base64') : '';
    const data = st?.type === 'active' && st.state.data ? st.state.data.toBoc().toString('base64') : '';
    const lt = contract.lastTransactionLt ?? 0n;
    const hash = contract.lastTransactionHash ?? 0n;
    return {
        '@type': 'raw.fullAccountState',
        balance: contract.balance.toString(),
        extra_currencies: [],
        code,
        data,
        last_transaction_id: {
            '@type': 'internal.transactionId',
            lt: lt.toString(),
            hash: lt === 0n ? ZERO_HASH : Buffer.from(hash.toString(16).padStart(64, '0'), 'hex').toString('base64'),
        },
        block_id: blockId(chain),
        frozen_hash: st?.type === 'frozen' ? Buffer.from(st.stateHash.toString(16).padStart(64, '0'), 'hex').toString('base64') : '',
        sync_utime: chain.now(),
        state,
    };
}

/** The wallet type of an active account, from the representation hash of its code. */
export function walletType(contract) {
    const st = contract.accountState;
    if (st?.type !== 'active' || !st.state.code) return undefined;
    return WALLET_CODES[st.state.code.hash().toString('hex')];
}

/** wallet_id as stored in the data cell: v3/v4 u32 at bit 32; v5r1 i32 at bit 33. */
export function walletId(type, data) {
    const s = data.beginParse();
    if (type === 'wallet v5 r1') {
        s.skip(33);
        return s.loadInt(32);
    }
    s.skip(32);
    return s.loadUint(32);
}

// ---- get-method stacks ----

/** toncenter request stack entries → TupleItem[]. Throws on anything it does not understand. */
export function parseStack(stack) {
    if (stack === undefined || stack === null) return [];
    if (!Array.isArray(stack)) throw new Error('stack must be an array');
    return stack.map((e) => {
        if (!Array.isArray(e) || e.length !== 2) throw new Error('stack entry must be [type, value]');
        const [type, value] = e;
        switch (type) {
            case 'num':
            case 'number':
            case 'int': {
                const v = String(value).trim();
                const neg = v.startsWith('-');
                const n = BigInt(neg ? v.slice(1) : v);
                return { type: 'int', value: neg ? -n : n };
            }
            case 'cell':
            case 'tvm.Cell':
                return { type: 'cell', cell: Cell.fromBase64(typeof value === 'object' ? value.bytes : value) };
            case 'slice':
            case 'tvm.Slice':
                return { type: 'slice', cell: Cell.fromBase64(typeof value === 'object' ? value.bytes : value) };
            default:
                throw new Error(`unsupported stack entry type ${type}`);
        }
    });
}

function hexNum(n) {
    return n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

/** TupleItem → toncenter's tvm.* object form, used inside tuples and lists. */
function tvmEntry(item) {
    switch (item.type) {
        case 'int':
            return { '@type': 'tvm.stackEntryNumber', number: { '@type': 'tvm.numberDecimal', number: item.value.toString() } };
        case 'cell':
            return { '@type': 'tvm.stackEntryCell', cell: { '@type': 'tvm.cell', bytes: item.cell.toBoc().toString('base64') } };
        case 'slice':
        case 'builder':
            return { '@type': 'tvm.stackEntrySlice', slice: { '@type': 'tvm.slice', bytes: item.cell.toBoc().toString('base64') } };
        case 'tuple':
            return { '@type': 'tvm.stackEntryTuple', tuple: { '@type': 'tvm.tuple', elements: item.items.map(tvmEntry) } };
        case 'null':
            return { '@type': 'tvm.stackEntryUnsupported' };
        default:
            return { '@type': 'tvm.stackEntryUnsupported' };
    }
}

/** TupleItem[] → toncenter's response stack: [["num","0x…"], ["cell",{bytes}], ["tuple",{…}], ["null",null]]. */
export function formatStack(items) {
    return items.map((item) => {
        switch (item.type) {
            case 'int':
                return ['num', hexNum(item.value)];
            case 'nan':
                return ['num', 'NaN'];
            case 'cell':
            case 'slice':
            case 'builder':
                return ['cell', { bytes: item.cell.toBoc().toString('base64') }];
            case 'tuple':
                return ['tuple', { '@type': 'tvm.tuple', elements: item.items.map(tvmEntry) }];
            case 'null':
                return ['null', null];
            default:
                return ['unsupported', null];
        }
    });
}

