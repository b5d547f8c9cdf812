import { describe, expect, it } from "vitest";
import { commentPayload, formatTon, multiplyNanotons, parseTon, transferLink } from "./ton";

describe("formatTon", () => {
  it("formats nanotons exactly", () => {
    expect(formatTon("0")).toBe("0");
    expect(formatTon("1")).toBe("0.000000001");
    expect(formatTon("2500000000")).toBe("2.5");
    expect(formatTon("100000000")).toBe("0.1");
    expect(formatTon("9999999999999999999")).toBe("9999999999.999999999");
  });
  it("refuses what is not an amount", () => {
    expect(() => formatTon("-1")).toThrow();
    expect(() => formatTon("1.5")).toThrow();
    expect(() => formatTon("01")).toThrow();
  });
});

describe("parseTon", () => {
  it("parses without floating point", () => {
    expect(parseTon("0.1")).toEqual({ ok: true, nanotons: "100000000" });
    expect(parseTon("0.3")).toEqual({ ok: true, nanotons: "300000000" });
    expect(parseTon("2,5")).toEqual({ ok: true, nanotons: "2500000000" });
    expect(parseTon(" 3 ")).toEqual({ ok: true, nanotons: "3000000000" });
    expect(parseTon(".5")).toEqual({ ok: true, nanotons: "500000000" });
    expect(parseTon("0.000000001")).toEqual({ ok: true, nanotons: "1" });
    expect(parseTon("0")).toEqual({ ok: true, nanotons: "0" });
  });
  it("says why it refuses", () => {
    expect(parseTon("")).toEqual({ ok: false, reason: "empty" });
    expect(parseTon("1e3")).toEqual({ ok: false, reason: "format" });
    expect(parseTon("-1")).toEqual({ ok: false, reason: "format" });
    expect(parseTon("0.0000000001")).toEqual({ ok: false, reason: "precision" });
    expect(parseTon("10000000000")).toEqual({ ok: false, reason: "too_large" });
  });
  it("round-trips", () => {
    for (const n of ["1", "123456789", "1000000000", "9999999999999999999"]) {
      expect(parseTon(formatTon(n))).toEqual({ ok: true, nanotons: n });
    }
  });
});

describe("amounts and links", () => {
  it("multiplies exactly", () => {
    expect(multiplyNanotons("3333333333333333333", 3)).toBe("9999999999999999999");
  });
  it("builds a transfer link with an escaped comment", () => {
    expect(transferLink("EQabc", "2500000000", "onton 1&2")).toBe("ton://transfer/EQabc?amount=2500000000&text=onton%201%262");
  });
  it("encodes a comment cell as @ton/core does", () => {
    // beginCell().storeUint(0, 32).storeStringTail("onton:abc").endCell().toBoc({ idx: false, crc32: false })
    expect(commentPayload("onton:abc")).toBe("te6ccgEBAQEADwAAGgAAAABvbnRvbjphYmM=");
  });
});
