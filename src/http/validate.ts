import type { Context, MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { AppError } from "./errors.js";

/** Parses with zod; a failure becomes 400 VALIDATION naming the first bad field. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // An unknown key has no path of its own: name the key.
  const field = issue.path.map(String).join(".") || (issue.code === "unrecognized_keys" ? issue.keys[0] : undefined);
  throw new AppError("VALIDATION", field ? `${field}: ${issue.message}` : issue.message, field);
}

/** The JSON body, validated, for a handler that must read it itself; a route validates with `validate("json", …)`. */
export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseWith(schema, await readJsonBody(c));
}

export type ValidatedPart = "json" | "query" | "param";

/** What a `validate` middleware checks: the OpenAPI test compares it with the contract's schemas. */
export interface Validation {
  part: ValidatedPart;
  schema: z.ZodType;
}

/** Marks a middleware with the part and schema it validates (read back from `app.routes`). */
export const VALIDATES = Symbol("racesync.validates");

/** Usable in any app (`any` env: it reads only the request); typed for `c.req.valid(part)`. */
type Validated<P extends ValidatedPart, S extends z.ZodType> = MiddlewareHandler<
  any,
  string,
  { in: { [K in P]: z.input<S> }; out: { [K in P]: z.output<S> } }
> & { [VALIDATES]: Validation };

/**
 * hono's validator with a zod schema: the handler reads the parsed value with `c.req.valid(part)`.
 * A request that does not fit gets 400 `{error: {code: "VALIDATION", message, field}}` and the
 * handler never runs. A JSON body must say so (`Content-Type: application/json`) and parse.
 */
export function validate<P extends ValidatedPart, S extends z.ZodType>(part: P, schema: S): Validated<P, S> {
  // Typed once, below, for what it sets: the parsed value (`validator` would infer it from a zod-agnostic function).
  const check = validator(part, (value): unknown => parseWith(schema, value)) as MiddlewareHandler;
  const readBodyFirst: MiddlewareHandler = async (c, next) => {
    await readJsonBody(c);
    return check(c, next);
  };
  const middleware = part === "json" ? readBodyFirst : check;
  return Object.assign(middleware, { [VALIDATES]: { part, schema } }) as Validated<P, S>;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * The parsed JSON body (hono caches it for the validator). hono's json validator would read a body
 * of another type as `{}`: such a body, and JSON that does not parse, are refused here.
 */
async function readJsonBody(c: Context): Promise<unknown> {
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new AppError("VALIDATION", "the request body must be JSON (Content-Type: application/json)");
  return c.req.json().catch(() => {
    throw new AppError("VALIDATION", "the request body must be JSON");
  });
}
