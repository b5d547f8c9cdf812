import { describe, expect, it } from "vitest";
import { returnActions, tonConnectUrls } from "./ton-connect-config";

describe("TON Connect URLs", () => {
  it("default to the server's own files", () => {
    expect(tonConnectUrls(() => null, "http://127.0.0.1:8080")).toEqual({
      manifestUrl: "http://127.0.0.1:8080/tonconnect-manifest.json",
      walletsListSource: "http://127.0.0.1:8080/tonconnect-wallets.json",
    });
  });
  it("follow the page's meta tags, absolute or relative", () => {
    const meta: Record<string, string> = {
      "onton:tonconnect-manifest": "https://tickets.example/tonconnect-manifest.json",
      "onton:tonconnect-wallets": "/lists/w.json",
    };
    expect(tonConnectUrls((name) => meta[name] ?? null, "https://tickets.example")).toEqual({
      manifestUrl: "https://tickets.example/tonconnect-manifest.json",
      walletsListSource: "https://tickets.example/lists/w.json",
    });
    expect(tonConnectUrls(() => "  ", "http://h").walletsListSource).toBe("http://h/tonconnect-wallets.json");
  });
});

describe("the wallet's way back", () => {
  it("is the Mini App's t.me link inside Telegram", () => {
    expect(returnActions("@onton_bot", true)).toEqual({ returnStrategy: "back", twaReturnUrl: "https://t.me/onton_bot?startapp" });
  });
  it("is plain back in a browser, or without a bot name", () => {
    expect(returnActions("onton_bot", false)).toEqual({ returnStrategy: "back" });
    expect(returnActions(null, true)).toEqual({ returnStrategy: "back" });
    expect(returnActions("bad name/", true)).toEqual({ returnStrategy: "back" });
  });
});
