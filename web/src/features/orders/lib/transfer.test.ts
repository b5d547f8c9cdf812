import { Address, beginCell, Cell, comment } from "@ton/core";
import { describe, expect, it } from "vitest";
import { commentPayload } from "@/lib/ton";
import { jettonTransferRequest, transferRequest } from "./transfer";

describe("the TON Connect payment request", () => {
  const now = 1_800_000_000;
  it("sends exactly the order's amount with its comment, valid until the payment expires", () => {
    const payload = commentPayload("onton-7f3a");
    expect(transferRequest({ address: "EQabc", amount: "1500000000", validUntil: now + 600 }, payload, now)).toEqual({
      validUntil: now + 600,
      messages: [{ address: "EQabc", amount: "1500000000", payload }],
    });
  });
  it("keeps the window between a minute and 15 minutes", () => {
    expect(transferRequest({ address: "a", amount: "1", validUntil: now + 3600 }, "", now).validUntil).toBe(now + 900);
    expect(transferRequest({ address: "a", amount: "1", validUntil: now - 5 }, "", now).validUntil).toBe(now + 60);
  });
  it("refuses what is not a payable amount", () => {
    expect(() => transferRequest({ address: "a", amount: "0", validUntil: now }, "", now)).toThrow();
    expect(() => transferRequest({ address: "a", amount: "1.5", validUntil: now }, "", now)).toThrow();
  });
});

describe("the TON Connect request of a USDT order", () => {
  const now = 1_800_000_000;
  // What GET /api/v1/orders/{uuid}/jetton-transfer answers: a TEP-74 transfer body built by the server.
  const owner = new Address(0, Buffer.alloc(32, 0x55));
  const platform = new Address(0, Buffer.alloc(32, 0x01));
  const body = beginCell()
    .storeUint(0x0f8a7ea5, 32)
    .storeUint(0, 64)
    .storeCoins(5_000_000n)
    .storeAddress(platform)
    .storeAddress(owner)
    .storeBit(0)
    .storeCoins(10_000_000n)
    .storeBit(1)
    .storeRef(comment("onton-7f3a"))
    .endCell();
  const message = {
    jetton_wallet: "EQjettonWalletOfTheOwner",
    amount: "100000000",
    payload: body.toBoc().toString("base64"),
    expires_at: now + 600,
  };

  it("sends the API's message unchanged to the wallet's own jetton wallet", () => {
    const request = jettonTransferRequest(message, now);
    expect(request).toEqual({
      validUntil: now + 600,
      messages: [{ address: "EQjettonWalletOfTheOwner", amount: "100000000", payload: message.payload }],
    });
    // The payload the wallet signs is the transfer: 5 USDT to the platform wallet, the comment as forward payload.
    const s = Cell.fromBase64(request.messages[0]?.payload ?? "").beginParse();
    expect(s.loadUint(32)).toBe(0x0f8a7ea5);
    s.loadUintBig(64);
    expect(s.loadCoins()).toBe(5_000_000n);
    expect(s.loadAddress().equals(platform)).toBe(true);
    expect(s.loadAddress().equals(owner)).toBe(true);
    expect(s.loadMaybeRef()).toBeNull();
    expect(s.loadCoins() > 0n).toBe(true);
    expect(s.loadBit()).toBe(true);
    const forward = s.loadRef().beginParse();
    expect(forward.loadUint(32)).toBe(0);
    expect(forward.loadStringTail()).toBe("onton-7f3a");
  });

  it("stays within 15 minutes, also without an expiry", () => {
    expect(jettonTransferRequest({ ...message, expires_at: null }, now).validUntil).toBe(now + 900);
    expect(jettonTransferRequest({ ...message, expires_at: now + 7200 }, now).validUntil).toBe(now + 900);
  });

  it("refuses a message without TON attached", () => {
    expect(() => jettonTransferRequest({ ...message, amount: "0" }, now)).toThrow();
  });
});
