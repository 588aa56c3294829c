import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "./errors.js";

/** Parses with zod; a failure becomes 400 VALIDATION naming the first bad field. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join(".") || undefined;
  throw new AppError("VALIDATION", field ? `${field}: ${issue.message}` : issue.message, field);
}

/** The JSON body, validated; a body that is not JSON is a 400 too. */
export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const body = await c.req.json().catch(() => {
    throw new AppError("VALIDATION", "the request body must be JSON");
  });
  return parseWith(schema, body);
}
