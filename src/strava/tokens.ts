import { setTimeout as sleep } from "node:timers/promises";
import { StravaTransient } from "./errors.js";
import { decryptToken, tokenKeys } from "./token-crypto.js";
import { refreshUnderLease, type TokenDeps } from "./token-refresh.js";
import { readUsableTokens, takeLease, type UsableTokens } from "./token-store.js";

export { refresh, type TokenDeps } from "./token-refresh.js";
export { markNeedsReauth } from "./token-store.js";

/** How long a caller waits for another process's refresh before giving up for now (its job retries). */
const WAIT_FOR_REFRESH_MS = 5_000;

/**
 * A usable access token for the athlete, refreshed when about to expire: by one process at a time
 * (the one holding the athlete's lease), the others wait for the pair it stores. `rejected` is a
 * token Strava just answered 401 to: while it is still the stored one, it is refreshed now.
 * `evenIfBlocked`: for the one call made for a blocked athlete, confirming a deauthorization.
 */
export async function getAccessToken(
  deps: TokenDeps,
  athleteId: number,
  opts: { rejected?: string; evenIfBlocked?: boolean } = {},
): Promise<string> {
  const marginMs = deps.config.strava.tokenRefreshMarginSeconds * 1000;
  const read = { evenIfBlocked: opts.evenIfBlocked };
  const accessToken = (t: UsableTokens) => decryptToken(tokenKeys(deps.config), t.access_token_enc, { athleteId, field: "access" });
  const needsRefresh = (t: UsableTokens) =>
    !t.token_expires_at || t.token_expires_at.getTime() - Date.now() < marginMs || (opts.rejected !== undefined && accessToken(t) === opts.rejected);
  const giveUpAt = Date.now() + WAIT_FOR_REFRESH_MS;
  for (;;) {
    const tokens = await readUsableTokens(deps.db, athleteId, read);
    if (!needsRefresh(tokens)) return accessToken(tokens);
    const lease = await takeLease(deps.db, athleteId);
    if (lease) {
      const token = await refreshUnderLease(deps, lease, needsRefresh, read);
      if (token !== null) return token;
    }
    if (Date.now() > giveUpAt) throw new StravaTransient(`athlete ${athleteId}: another process is still refreshing the Strava token`);
    if (!lease) await sleep(50 + Math.random() * 100);
  }
}

