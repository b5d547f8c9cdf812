import { describe, expect, it } from "vitest";
import type { TicketType } from "@/lib/schemas";
import { emptyTicketType, hiddenTypeLink, ticketTypeBody, ticketTypeDraftOf } from "./ticket-type-form";

describe("the ticket-type form", () => {
  it("turns every field into the API's body, prices in the currency's smallest unit", () => {
    const { body, errors } = ticketTypeBody(
      {
        ...emptyTicketType(),
        name: " VIP ",
        description: "Front rows",
        currency: "USDT",
        price: "2.5",
        supply: "10",
        perUserLimit: "2",
        saleStart: "2026-05-01T10:00",
        saleEnd: "2026-05-02T10:00",
        transferable: false,
        visibility: "hidden",
        isNft: true,
      },
      "UTC",
    );
    expect(errors).toEqual({});
    expect(body).toEqual({
      name: "VIP",
      description: "Front rows",
      currency: "USDT",
      price: "2500000",
      supply: 10,
      per_user_limit: 2,
      sale_start: Date.UTC(2026, 4, 1, 10) / 1000,
      sale_end: Date.UTC(2026, 4, 2, 10) / 1000,
      transferable: false,
      visibility: "hidden",
      is_nft: true,
    });
  });
  it("sends null for what is left empty", () => {
    const { body } = ticketTypeBody({ ...emptyTicketType(), name: "Free", price: "0" }, "UTC");
    expect(body).toMatchObject({ price: "0", supply: null, per_user_limit: null, sale_start: null, sale_end: null, description: null });
  });
  it("names each bad field as the API does", () => {
    const { body, errors } = ticketTypeBody(
      { ...emptyTicketType(), price: "1.5", currency: "XTR", supply: "-1", perUserLimit: "0", saleStart: "2026-05-02T10:00", saleEnd: "2026-05-01T10:00" },
      "UTC",
    );
    expect(body).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(["name", "per_user_limit", "price", "sale_end", "supply"]);
  });
  it("reads an existing type back into the form", () => {
    const t: TicketType = {
      id: 1,
      name: "VIP",
      description: null,
      price: "1500000000",
      currency: "TON",
      supply: null,
      per_user_limit: 3,
      sale_start: Date.UTC(2026, 4, 1, 15) / 1000,
      sale_end: null,
      transferable: true,
      visibility: "public",
      is_nft: false,
      sold: 0,
      reserved: 0,
    };
    const d = ticketTypeDraftOf(t, "Asia/Dubai");
    expect(d).toMatchObject({ price: "1.5", supply: "", perUserLimit: "3", saleStart: "2026-05-01T19:00", saleEnd: "" });
    expect(ticketTypeBody(d, "Asia/Dubai").body?.sale_start).toBe(t.sale_start);
  });
  it("links a hidden type by its code", () => {
    expect(hiddenTypeLink("https://h", "e-1", "a b")).toBe("https://h/app/events/e-1?code=a%20b");
  });
});
