import { randomHex } from "./random.js";
import type { Store } from "./store.js";

/** Access tokens live 6 h; a refresh with more than 1 h left returns the same access token. */
export const ACCESS_TOKEN_SECONDS = 6 * 3600;
/** The share of a token's lifetime under which a refresh issues a new access token (1 h of 6 h). */
const REUSE_SHARE = 1 / 6;
const CODE_SECONDS = 600;

interface AccessToken { token: string; athleteId: number; scopes: string[]; expiresAt: number; revoked: boolean }
interface RefreshToken { token: string; athleteId: number; scopes: string[]; alive: boolean; latestAccess: string }
interface AuthCode { code: string; athleteId: number; scopes: string[]; expiresAt: number }

export interface TokenPair { access_token: string; refresh_token: string; expires_at: number; expires_in: number }
export interface ValidToken { athleteId: number; scopes: string[]; token: string }
/** Refresh-token grants answered so far: with a new pair, or refused (unknown, revoked or rotated-away token). */
export interface RefreshStats { granted: number; refused: number }

export function parseScopes(scopes: string): string[] {
  return scopes.split(/[ ,]+/).filter(Boolean);
}

export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthCode>();
  rotation: boolean;
  readonly refreshStats: RefreshStats = { granted: 0, refused: 0 };

  /** `lifetimeSeconds` shortens tokens for tests (Strava's are 6 h); the 1-in-6 reuse rule scales with it. */
  constructor(private readonly store: Store, rotation: boolean, private readonly lifetimeSeconds = ACCESS_TOKEN_SECONDS) {
    this.rotation = rotation;
  }

  createCode(athleteId: number, scopes: string[]): string {
    const code = randomHex(20);
    this.codes.set(code, { code, athleteId, scopes, expiresAt: this.store.now() + CODE_SECONDS });
    return code;
  }

  /** Codes are single-use: the first exchange consumes them whatever the outcome. */
  redeemCode(code: string): TokenPair & { athleteId: number } | null {
    const found = this.codes.get(code);
    this.codes.delete(code);
    if (!found || found.expiresAt <= this.store.now()) return null;
    return { ...this.issue(found.athleteId, found.scopes), athleteId: found.athleteId };
  }

  issue(athleteId: number, scopes: string[]): TokenPair {
    const access = this.newAccessToken(athleteId, scopes);
    const refresh: RefreshToken = { token: randomHex(20), athleteId, scopes, alive: true, latestAccess: access.token };
    this.refresh.set(refresh.token, refresh);
    return this.pair(access, refresh.token);
  }

  refreshWith(refreshToken: string): TokenPair | null {
    const found = this.refresh.get(refreshToken);
    if (!found || !found.alive) {
      this.refreshStats.refused++;
      return null;
    }
    this.refreshStats.granted++;
    const current = this.access.get(found.latestAccess);
    const now = this.store.now();
    const access =
      current && !current.revoked && current.expiresAt - now > this.lifetimeSeconds * REUSE_SHARE
        ? current
        : this.newAccessToken(found.athleteId, found.scopes);
    if (!this.rotation) {
      found.latestAccess = access.token;
      return this.pair(access, found.token);
    }
    found.alive = false; // the old refresh token dies at once
    const rotated: RefreshToken = { ...found, token: randomHex(20), alive: true, latestAccess: access.token };
    this.refresh.set(rotated.token, rotated);
    return this.pair(access, rotated.token);
  }

  /** The token's athlete and scopes, or null when unknown, revoked or expired. */
  validate(token: string | undefined): ValidToken | null {
    const found = token ? this.access.get(token) : undefined;
    if (!found || found.revoked || found.expiresAt <= this.store.now()) return null;
    return { athleteId: found.athleteId, scopes: found.scopes, token: found.token };
  }

  revokeAthlete(athleteId: number): void {
    for (const t of this.access.values()) if (t.athleteId === athleteId) t.revoked = true;
    for (const t of this.refresh.values()) if (t.athleteId === athleteId) t.alive = false;
  }

  expireAccessTokens(athleteId: number): void {
    const past = this.store.now() - 1;
    for (const t of this.access.values()) if (t.athleteId === athleteId) t.expiresAt = Math.min(t.expiresAt, past);
  }

  /** Whether the app still holds an authorization from the athlete (a live refresh token). */
  isAuthorized(athleteId: number): boolean {
    return [...this.refresh.values()].some((t) => t.athleteId === athleteId && t.alive);
  }

  /** Scopes of the athlete's latest live authorization (webhook privacy rules depend on them). */
  grantedScopes(athleteId: number): string[] | null {
    let latest: RefreshToken | null = null;
    for (const t of this.refresh.values()) if (t.athleteId === athleteId && t.alive) latest = t;
    return latest ? latest.scopes : null;
  }

  private newAccessToken(athleteId: number, scopes: string[]): AccessToken {
    const token: AccessToken = {
      token: randomHex(20), athleteId, scopes, expiresAt: this.store.now() + this.lifetimeSeconds, revoked: false,
    };
    this.access.set(token.token, token);
    return token;
  }

  private pair(access: AccessToken, refreshToken: string): TokenPair {
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      expires_at: access.expiresAt,
      expires_in: Math.max(0, access.expiresAt - this.store.now()),
    };
  }
}
