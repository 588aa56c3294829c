import type { Random } from "../../src/simulator/random.js";

/** One generated request body that is not an acceptable Strava event, and the way it is broken. */
export interface Malformed {
  kind: string;
  body: Uint8Array;
}

type Event = Record<string, unknown>;
type Generator = (r: Random, valid: Event) => Uint8Array | string;

const NUMERIC_FIELDS = ["object_id", "owner_id", "subscription_id", "event_time"] as const;
const REQUIRED = ["object_type", "aspect_type", "object_id", "owner_id", "subscription_id", "event_time"] as const;
/** Values no numeric field accepts (no integral floats: JSON's 1.0 is the integer 1). */
const NOT_AN_ID: unknown[] = [null, "", "123", true, false, [], [1], {}, { id: 1 }, -1, 0, 1.5, -0.5, 2 ** 53 + 2, 1e308];
/** Byte sequences that are never valid UTF-8: a lone continuation, a truncated sequence, an overlong form, an encoded surrogate, 0xFF. */
const INVALID_UTF8 = [[0x80], [0xc3, 0x28], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]];
const UNSTORABLE = ["\u0000", "\ud800", "\udfff", "a\ud83db", "\udc00\ud800"];

const text = (s: string) => new TextEncoder().encode(s);
const nested = (depth: number, leaf: unknown): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => ({ n: inner }), leaf);
const randomString = (r: Random, length: number) => Array.from({ length }, () => String.fromCharCode(r.int(0x20, 0x7e))).join("");

const GENERATORS: Record<string, Generator> = {
  "wrong type": (r, valid) => JSON.stringify({ ...valid, [r.pick(NUMERIC_FIELDS)]: r.pick(NOT_AN_ID) }),
  "wrong type of text field": (r, valid) => JSON.stringify({ ...valid, [r.pick(["object_type", "aspect_type"])]: r.pick([null, 1, true, [], {}, "", `x${randomString(r, 5)}`]) }),
  "missing field": (r, valid) => {
    const { [r.pick(REQUIRED)]: _gone, ...rest } = valid;
    return JSON.stringify(rest);
  },
  "bad updates": (r, valid) =>
    JSON.stringify({ ...valid, updates: r.pick<unknown>([null, "title", 5, [["title", "x"]], { title: 5 }, { title: null }, { title: { a: "b" } }, { "": "empty key" }, { ["k".repeat(65)]: "v" }, Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"]))]) }),
  "huge string": (r, valid) => JSON.stringify({ ...valid, updates: { title: "x".repeat(r.int(2001, 15_000)) } }),
  // Over the webhook's 16 KiB (400), and now and then over the app's 256 KiB limit (413, refused unread).
  "huge body": (r, valid) => JSON.stringify({ ...valid, padding: "p".repeat(r.chance(0.1) ? 300_000 : r.int(17_000, 60_000)) }),
  "deeply nested": (r, valid) => (r.chance(0.5) ? JSON.stringify({ ...valid, updates: nested(r.int(33, 1500), "x") }) : "[".repeat(r.int(100, 8000)) + "]".repeat(r.int(0, 100))),
  "NUL or lone surrogate": (r, valid) => {
    const bad = `${randomString(r, r.int(0, 5))}${r.pick(UNSTORABLE)}${randomString(r, r.int(0, 5))}`;
    const where = r.int(0, 2);
    if (where === 0) return JSON.stringify({ ...valid, updates: { title: bad } });
    if (where === 1) return JSON.stringify({ ...valid, updates: { [bad]: "x" } });
    return JSON.stringify({ ...valid, [`extra${bad}`]: bad });
  },
  "invalid UTF-8": (r, valid) => {
    const json = text(JSON.stringify({ ...valid, updates: { title: "TITLE" } }));
    const at = json.indexOf(0x54 /* T */) + r.int(0, 4);
    return Uint8Array.from([...json.subarray(0, at), ...r.pick(INVALID_UTF8), ...json.subarray(at)]);
  },
  "truncated JSON": (r, valid) => {
    const json = JSON.stringify(valid);
    return json.slice(0, r.int(0, json.length - 1));
  },
  "not an object": (r) => r.pick(["[]", "null", "42", '"event"', "true", "[{}]", "", " ", "{", "}", "\u0000", "{'single': 'quotes'}", "NaN"]),
  "random bytes": (r) => Uint8Array.from({ length: r.int(1, 300) }, () => r.int(0, 255)),
};

/** `count` malformed bodies drawn evenly from every generator, deterministically from `r`. */
export function malformedBodies(r: Random, count: number, valid: () => Event): Malformed[] {
  const kinds = Object.keys(GENERATORS);
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const body = GENERATORS[kind]!(r, valid());
    return { kind, body: typeof body === "string" ? text(body) : body };
  });
}
