import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Compact signed tokens for cookies and the OAuth `state`: base64url(JSON) "." base64url(HMAC-SHA256).
 * Every token carries `exp` (epoch seconds); an expired or tampered token reads as null.
 */
export function signToken(secret: string, payload: { exp: number } & Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

export function verifyToken<T extends { exp: number }>(secret: string, token: string | undefined, now = Date.now()): T | null {
  const [body, signature, extra] = (token ?? "").split(".");
  if (!body || !signature || extra !== undefined) return null;
  if (!safeEqual(signature, mac(secret, body))) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
    return typeof payload.exp === "number" && payload.exp * 1000 > now ? payload : null;
  } catch {
    return null;
  }
}

/** Constant-time string comparison (lengths may differ without leaking where). */
export function safeEqual(a: string, b: string): boolean {
  const x = createHmac("sha256", "compare").update(a).digest();
  const y = createHmac("sha256", "compare").update(b).digest();
  return timingSafeEqual(x, y) && a === b;
}

const mac = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("base64url");

export const epochSeconds = (ms = Date.now()) => Math.floor(ms / 1000);
