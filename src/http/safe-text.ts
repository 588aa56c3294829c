import { AppError } from "./errors.js";

/** Deeper than any body racesync accepts; checked without recursion, so no depth can overflow the stack. */
const MAX_DEPTH = 32;

/**
 * Refuses JSON input Postgres cannot store or that is not text: a NUL character or an unpaired
 * UTF-16 surrogate in any string or key (jsonb and text reject both, failing the whole statement),
 * or nesting deeper than MAX_DEPTH. Throws VALIDATION naming the field.
 */
export function assertStorableJson(value: unknown): void {
  const pending: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: v, path } = next;
    if (typeof v === "string") {
      if (!isStorableText(v)) throw refusal(path, "must not contain NUL characters or unpaired surrogates");
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (path.length >= MAX_DEPTH) throw refusal(path, `is nested more than ${MAX_DEPTH} levels deep`);
    for (const [key, child] of Object.entries(v)) {
      if (!isStorableText(key)) throw refusal(path, "has a key with NUL characters or unpaired surrogates");
      pending.push({ value: child, path: [...path, key] });
    }
  }
}

/** NUL, a high surrogate with no low one after it, or a low surrogate with no high one before it (UTF-16 code units). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isStorableText = (s: string) => !UNSTORABLE.test(s);

function refusal(path: string[], problem: string): AppError {
  const field = path.length > 0 ? path.join(".") : "body";
  return new AppError("VALIDATION", `${field} ${problem}`, field);
}
