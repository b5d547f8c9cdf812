import { describe, expect, it } from "vitest";
import { payloadIsFresh, proofOutcome, sameRawAddress, type ConnectedWallet } from "./ton-proof";

const address = "0:1867eadc85b6872b8214902bdcca5dd5f2ca5c0273bc20144236f4b76ab7be09";
const proof = {
  timestamp: 1700000000,
  domain: { lengthBytes: 11, value: "example.com" },
  payload: "E5B4ARS6CdOI2b5e1jz0jnS-x-a3DgfNXprrg_3pec0=",
  signature: "s6njVcbMTAMMMFpQRI2peCozHIVO/dB49MUUr4QuNFrj9SyeUeFBpV4keXeCQN6xf34qB0PvWRsPYlU/fQVrCA==",
};
const wallet = (tonProof?: NonNullable<ConnectedWallet["connectItems"]>["tonProof"], chain = "-239"): ConnectedWallet => ({
  account: { address, chain, publicKey: "f6c4", walletStateInit: "te6cc..." },
  connectItems: tonProof ? { tonProof } : undefined,
});

describe("the wallet's proof → the link request", () => {
  it("sends the address, network, key, state init and the signed proof unchanged", () => {
    const outcome = proofOutcome(wallet({ name: "ton_proof", proof }), proof.payload);
    expect(outcome).toEqual({
      kind: "proof",
      body: {
        address,
        network: "-239",
        public_key: "f6c4",
        proof: { ...proof, state_init: "te6cc..." },
      },
    });
  });
  it("says testnet for a testnet wallet", () => {
    const outcome = proofOutcome(wallet({ name: "ton_proof", proof }, "-3"), proof.payload);
    expect(outcome.kind === "proof" && outcome.body.network).toBe("-3");
  });
  it("does not send a proof of another payload, a refusal or a connection without a proof", () => {
    expect(proofOutcome(wallet({ name: "ton_proof", proof }), "another").kind).toBe("stale");
    expect(proofOutcome(wallet({ name: "ton_proof", error: { code: 300, message: "user declined" } }), proof.payload)).toEqual({
      kind: "refused",
      message: "user declined",
    });
    expect(proofOutcome(wallet({ name: "ton_proof", error: { code: 0 } }), null)).toEqual({ kind: "refused", message: "the wallet answered error 0" });
    expect(proofOutcome(wallet(), proof.payload).kind).toBe("no_proof");
  });
  it("keeps a minute of margin on a payload and compares raw addresses canonically", () => {
    expect(payloadIsFresh(1000, 900)).toBe(true);
    expect(payloadIsFresh(1000, 940)).toBe(false);
    expect(sameRawAddress(address, address.toUpperCase().replace("0X", "0x"))).toBe(true);
    expect(sameRawAddress(address, null)).toBe(false);
  });
});
