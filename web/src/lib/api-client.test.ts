import { describe, expect, it } from "vitest";
import { ApiError, fieldErrors, toApiError } from "./api-client";

describe("API errors", () => {
  it("reads the error body", () => {
    const e = toApiError(422, { error: { code: "request.validation_failed", message: "title: required", details: { field: "title", reason: "required" } } });
    expect(e.status).toBe(422);
    expect(e.code).toBe("request.validation_failed");
    expect(e.field).toBe("title");
    expect(fieldErrors(e)).toEqual({ title: "required" });
  });
  it("keeps errors without a field for the whole form", () => {
    const e = toApiError(409, { error: { code: "ticket.sold_out", message: "sold out", details: null } });
    expect(e.field).toBeUndefined();
    expect(fieldErrors(e)).toEqual({ "": "sold out" });
  });
  it("survives bodies that are not the API's", () => {
    const e = toApiError(502, "<html>bad gateway</html>");
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe("http.502");
    expect(toApiError(500, null).code).toBe("http.500");
    expect(fieldErrors(new Error("offline"))).toEqual({ "": "offline" });
  });
});
