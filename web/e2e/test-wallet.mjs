// A TON wallet for the browser story, reached the way a wallet's own in-app browser is reached: an injected
// TON Connect JS bridge on `window` (the TON Connect bridge spec, "JS bridge": `window[<key>].tonconnect` with
// connect, restoreConnection, send and listen). The page's side only forwards each call to Node (page.exposeFunction);
// Node holds the key of a real wallet on the TON emulator and does what a wallet does:
//   - connect: answers ton_addr (raw address, network, public key, state init) and, when asked, signs the ton_proof
//     over the dApp's domain (the manifest's host) and payload, exactly as the spec's signed message says;
//   - sendTransaction: signs a wallet v4r2 transfer carrying each message (amount, payload) and sends it to the
//     emulator's toncenter API (sendBoc), answering the external message's BOC.
// Nothing is faked on the server's side: the C++ server verifies the proof and the payment watcher sees the transfer.
import { Address, beginCell, Cell, external, internal, SendMode, storeMessage, storeStateInit } from "@ton/core";
import { mnemonicToPrivateKey, sha256, sign } from "@ton/crypto";
import { TonClient, WalletContractV4 } from "@ton/ton";

export const walletKey = "ontonE2eWallet";
export const walletAppName = "onton-e2e-wallet";

/** The wallets list the story serves (ONTON_TONCONNECT_WALLETS_URL): this wallet, reachable through its JS bridge. */
export function walletsList(imageUrl) {
  return [
    {
      app_name: walletAppName,
      name: "Onton e2e wallet",
      image: imageUrl,
      about_url: "https://example.org/onton-e2e-wallet",
      bridge: [{ type: "js", key: walletKey }],
      platforms: ["chrome", "firefox", "safari", "android", "ios", "linux", "macos", "windows"],
      features: [{ name: "SendTransaction", maxMessages: 4, extraCurrencySupported: false }],
    },
  ];
}

/** The ton_proof signature (TON Connect spec, "Address proof signature"): Ed25519 over sha256(0xffff ‖ "ton-connect" ‖ sha256(message)). */
export async function signTonProof({ address, domain, timestamp, payload, secretKey }) {
  const wc = Buffer.alloc(4);
  wc.writeInt32BE(address.workChain);
  const domainBytes = Buffer.from(domain, "utf8");
  const domainLen = Buffer.alloc(4);
  domainLen.writeUInt32LE(domainBytes.length);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64LE(BigInt(timestamp));
  const message = Buffer.concat([Buffer.from("ton-proof-item-v2/"), wc, address.hash, domainLen, domainBytes, ts, Buffer.from(payload, "utf8")]);
  const inner = await sha256(message);
  const final = await sha256(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from("ton-connect"), inner]));
  return { signature: sign(final, secretKey).toString("base64"), domainLength: domainBytes.length };
}

/** The comment of a TON Connect message payload (a cell with op 0 and the text), or null. */
export function commentOf(payloadBase64) {
  if (!payloadBase64) return null;
  const slice = Cell.fromBase64(payloadBase64).beginParse();
  if (slice.remainingBits < 32 || slice.loadUint(32) !== 0) return null;
  return slice.loadStringTail();
}

/**
 * Creates a funded, deployed v4r2 wallet on the emulator (`control` = .../emulator, `tonApi` = .../api/v2) and the
 * Node side of its bridge. `sent` lists every transfer it made: {to, amount, comment, boc}.
 */
export async function createTestWallet({ control, tonApi, balanceNano = "10000000000" }) {
  const res = await fetch(`${control}/wallets`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ version: "v4r2", balance_nano: balanceNano }),
  });
  const created = await res.json();
  if (!res.ok || created.ok === false) throw new Error(`emulator /wallets: ${JSON.stringify(created)}`);
  const info = created.result ?? created;
  const words = Array.isArray(info.mnemonic) ? info.mnemonic : String(info.mnemonic).split(" ");
  const key = await mnemonicToPrivateKey(words);
  const contract = WalletContractV4.create({ workchain: 0, publicKey: key.publicKey });
  if (!contract.address.equals(Address.parse(info.address))) throw new Error("the emulator's wallet is not the v4r2 wallet of its mnemonic");
  const client = new TonClient({ endpoint: `${tonApi}/jsonRPC` });
  const opened = client.open(contract);
  const stateInit = beginCell().store(storeStateInit(contract.init)).endCell().toBoc().toString("base64");
  const device = {
    platform: "linux",
    appName: walletAppName,
    appVersion: "1.0.0",
    maxProtocolVersion: 2,
    features: ["SendTransaction", { name: "SendTransaction", maxMessages: 4 }],
  };
  const addressItem = {
    name: "ton_addr",
    address: contract.address.toRawString(),
    network: "-239",
    publicKey: key.publicKey.toString("hex"),
    walletStateInit: stateInit,
  };
  let connected = false;
  let eventId = 0;
  const sent = [];
  const proofs = [];

  async function connect(protocolVersion, request) {
    if (protocolVersion > 2) return { event: "connect_error", id: ++eventId, payload: { code: 1, message: "unsupported protocol" } };
    // A wallet reads the dApp's manifest and proves its domain.
    const manifest = await (await fetch(request.manifestUrl)).json();
    if (!manifest.url || !manifest.name) return { event: "connect_error", id: ++eventId, payload: { code: 2, message: "bad manifest" } };
    const domain = new URL(manifest.url).host;
    const items = [addressItem];
    const proofItem = (request.items ?? []).find((i) => i.name === "ton_proof");
    if (proofItem) {
      const timestamp = Math.floor(Date.now() / 1000);
      const { signature, domainLength } = await signTonProof({
        address: contract.address,
        domain,
        timestamp,
        payload: proofItem.payload,
        secretKey: key.secretKey,
      });
      items.push({ name: "ton_proof", proof: { timestamp, domain: { lengthBytes: domainLength, value: domain }, signature, payload: proofItem.payload } });
      proofs.push({ domain, payload: proofItem.payload });
    }
    connected = true;
    return { event: "connect", id: ++eventId, payload: { items, device } };
  }

  async function restoreConnection() {
    if (!connected) return { event: "connect_error", id: ++eventId, payload: { code: 0, message: "not connected" } };
    return { event: "connect", id: ++eventId, payload: { items: [addressItem], device } };
  }

  async function send(message) {
    if (message.method === "disconnect") {
      connected = false;
      return { result: {}, id: message.id };
    }
    if (message.method !== "sendTransaction") return { error: { code: 400, message: `unsupported method ${message.method}` }, id: message.id };
    if (!connected) return { error: { code: 100, message: "not connected" }, id: message.id };
    const tx = JSON.parse(message.params[0]);
    if (tx.valid_until && tx.valid_until < Math.floor(Date.now() / 1000)) return { error: { code: 1, message: "expired" }, id: message.id };
    const messages = tx.messages.map((m) => {
      const friendly = Address.isFriendly(m.address) ? Address.parseFriendly(m.address) : null;
      return internal({
        to: friendly ? friendly.address : Address.parseRaw(m.address),
        value: BigInt(m.amount),
        bounce: friendly ? friendly.isBounceable : true,
        body: m.payload ? Cell.fromBase64(m.payload) : undefined,
      });
    });
    const seqno = await opened.getSeqno();
    const transfer = contract.createTransfer({
      seqno,
      secretKey: key.secretKey,
      messages,
      sendMode: SendMode.PAY_GAS_SEPARATELY + SendMode.IGNORE_ERRORS,
      timeout: tx.valid_until,
    });
    const boc = beginCell()
      .store(storeMessage(external({ to: contract.address, body: transfer })))
      .endCell()
      .toBoc()
      .toString("base64");
    const answer = await fetch(`${tonApi}/sendBoc`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ boc }) });
    if (!answer.ok) return { error: { code: 0, message: `sendBoc: HTTP ${answer.status} ${await answer.text()}` }, id: message.id };
    for (const m of tx.messages) sent.push({ to: m.address, amount: m.amount, comment: commentOf(m.payload), boc });
    return { result: boc, id: message.id };
  }

  return {
    address: contract.address,
    rawAddress: contract.address.toRawString(),
    publicKey: key.publicKey.toString("hex"),
    sent,
    proofs,
    connect,
    restoreConnection,
    send,
  };
}

/**
 * Puts the wallet on every page of a browser context: the injected bridge object (as a wallet's browser does) whose
 * calls go to the Node side through exposed functions.
 */
export async function injectTestWallet(context, wallet) {
  await context.exposeFunction("__e2eWalletConnect", (version, request) => wallet.connect(version, request));
  await context.exposeFunction("__e2eWalletRestore", () => wallet.restoreConnection());
  await context.exposeFunction("__e2eWalletSend", (message) => wallet.send(message));
  await context.addInitScript(
    ({ key, appName }) => {
      const listeners = new Set();
      window[key] = {
        tonconnect: {
          deviceInfo: {
            platform: "linux",
            appName,
            appVersion: "1.0.0",
            maxProtocolVersion: 2,
            features: ["SendTransaction", { name: "SendTransaction", maxMessages: 4 }],
          },
          walletInfo: {
            name: "Onton e2e wallet",
            app_name: appName,
            image: `${location.origin}/icon.png`,
            about_url: "https://example.org/onton-e2e-wallet",
            platforms: ["chrome"],
          },
          protocolVersion: 2,
          isWalletBrowser: true,
          // The SDK hands connect's and send's answers to its own listeners; `listen` is for events the wallet
          // starts itself, which this one never does.
          connect: (version, request) => window.__e2eWalletConnect(version, request),
          restoreConnection: () => window.__e2eWalletRestore(),
          send: (message) => window.__e2eWalletSend(message),
          listen: (callback) => {
            listeners.add(callback);
            return () => listeners.delete(callback);
          },
        },
      };
    },
    { key: walletKey, appName: walletAppName },
  );
}

/** The owner of an NFT item as the chain says (get_nft_data through the emulator's toncenter API). */
export async function nftOwner(tonApi, itemAddress) {
  const client = new TonClient({ endpoint: `${tonApi}/jsonRPC` });
  const { stack } = await client.runMethod(Address.parse(itemAddress), "get_nft_data");
  const initialized = stack.readBoolean();
  const index = stack.readBigNumber();
  const collection = stack.readAddress();
  const owner = stack.readAddressOpt();
  return { initialized, index, collection, owner };
}
