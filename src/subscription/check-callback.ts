import { randomBytes } from "node:crypto";

/** Strava drops a validation that takes longer than this. */
export const STRAVA_CHALLENGE_TIMEOUT_MS = 2000;
const OUR_TIMEOUT_MS = 5000;

export type CallbackProblem =
  | { kind: "unreachable"; detail: string }
  | { kind: "verify_token"; detail: string }
  | { kind: "status"; detail: string }
  | { kind: "wrong_json"; detail: string }
  | { kind: "slow"; detail: string };

/**
 * Does what Strava does to validate a callback (GET with hub.mode, hub.challenge, hub.verify_token)
 * and says what went wrong, or null when the callback answers correctly from here.
 */
export async function checkCallback(callbackUrl: string, verifyToken: string): Promise<CallbackProblem | null> {
  const challenge = randomBytes(8).toString("hex");
  const url = new URL(callbackUrl);
  url.searchParams.set("hub.mode", "subscribe");
  url.searchParams.set("hub.challenge", challenge);
  url.searchParams.set("hub.verify_token", verifyToken);
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(OUR_TIMEOUT_MS) });
  } catch (err) {
    return { kind: "unreachable", detail: describeFetchError(err) };
  }
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  if (res.status === 403) return { kind: "verify_token", detail: "it answered 403: it does not accept this STRAVA_VERIFY_TOKEN" };
  if (res.status !== 200) return { kind: "status", detail: `it answered HTTP ${res.status} (Strava needs 200)` };
  if (!echoes(text, challenge)) {
    return { kind: "wrong_json", detail: `it answered 200 but not {"hub.challenge": "${challenge}"}; body: ${text.slice(0, 120)}` };
  }
  if (ms > STRAVA_CHALLENGE_TIMEOUT_MS) return { kind: "slow", detail: `it took ${ms} ms (Strava gives up after ${STRAVA_CHALLENGE_TIMEOUT_MS} ms)` };
  return null;
}

function echoes(text: string, challenge: string): boolean {
  try {
    return (JSON.parse(text) as Record<string, unknown>)["hub.challenge"] === challenge;
  } catch {
    return false;
  }
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `no answer within ${OUR_TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
