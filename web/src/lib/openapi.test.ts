import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { conforms, type ApiSchema } from "./openapi";
import { orderSchema, userSchema } from "./schemas";

describe("the OpenAPI tie", () => {
  it("refuses, at compile time, a schema that drifted from the document", () => {
    // Each line below must fail to compile (tsc runs over the tests too); @ts-expect-error turns an unexpected
    // success into an error.
    type Misspelt = z.output<typeof userSchema> & { walet_address: string };
    // @ts-expect-error a field the document does not have
    conforms<Misspelt, ApiSchema<"User">>(true);
    type Retyped = Omit<z.output<typeof orderSchema>, "quantity"> & { quantity: string };
    // @ts-expect-error a field of another type
    conforms<Retyped, ApiSchema<"Order">>(true);
    type Missing = Omit<z.output<typeof userSchema>, "role">;
    // @ts-expect-error a field the document requires is not parsed
    conforms<Missing, ApiSchema<"User">>(true);
    // and the schemas as they are conform
    conforms<z.output<typeof userSchema>, ApiSchema<"User">>(true);
    expect(true).toBe(true);
  });
  it("parses the API's order with its payment and defaults the currency", () => {
    const order = orderSchema.parse({
      uuid: "o-1",
      state: "created",
      event_uuid: "e-1",
      ticket_type_id: 3,
      quantity: 1,
      total_price: "1500000000",
      created_at: 1,
      payment: { address: "0:ab", amount: "1500000000", comment: "onton-x", expires_at: 2 },
      unknown: "dropped",
    });
    expect(order.currency).toBe("TON");
    expect(order.payment?.comment).toBe("onton-x");
    expect("unknown" in order).toBe(false);
    expect(orderSchema.safeParse({ ...order, total_price: "1.5" }).success).toBe(false);
    expect(orderSchema.safeParse({ ...order, state: "lost" }).success).toBe(false);
  });
});
