// Compile-time ties between the zod schemas that parse the API's answers and the TypeScript types generated from
// docs/openapi.yaml (`npm run gen:api` → src/types/api.d.ts, run before every type check). A schema that names a
// field the document does not have, or gives a field another type, fails `tsc`: API drift cannot go unnoticed.
import type { components, operations } from "@/types/api";

export type ApiSchema<Name extends keyof components["schemas"]> = components["schemas"][Name];

/** The JSON body of an operation's answer with this status. */
export type ApiAnswer<Op extends keyof operations, Status extends number = 200> =
  operations[Op]["responses"] extends Record<Status, { content: { "application/json": infer Body } }> ? Body : never;

/** The JSON request body of an operation. */
export type ApiBody<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { "application/json": infer Body } } }
  ? Body
  : operations[Op] extends { requestBody?: { content: { "application/json": infer Body } } }
    ? Body
    : never;

/**
 * true when every field of Parsed (what a zod schema yields) is a field of Doc (the OpenAPI type), and Parsed's
 * values fit Doc's types; false otherwise. (Plain assignability is not enough: TypeScript lets an object with an
 * extra, misspelt field stand for one whose fields are all optional.)
 */
export type Conforms<Parsed, Doc> = [Exclude<keyof Parsed, keyof Doc>] extends [never] ? ([Parsed] extends [Doc] ? true : false) : false;

/** Call with `true` beside a schema: `conforms<z.output<typeof x>, ApiSchema<"X">>(true)` does not compile on drift. */
export function conforms<Parsed, Doc>(ok: Conforms<Parsed, Doc>): void {
  void ok;
}
