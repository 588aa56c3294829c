import { spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueStravaRevoke } from "../../src/athletes/revoke-at-strava.js";
import { loadConfig } from "../../src/config.js";
import { decryptToken, keyIdOf, TokenDecryptError } from "../../src/strava/token-crypto.js";
import { startHarness, type Harness } from "../support/harness.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OLD_KEY = Buffer.alloc(32, 1);
const NEW_KEY = Buffer.alloc(32, 2);

/** `npm run rotate-key` as an operator runs it: its own process, configured by the environment. */
function rotateKey(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/rotate-key.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

/** A token as the first release stored it: "v1.iv.tag.ciphertext", no key id, no associated data. */
function legacyCiphertext(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", ...[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url"))].join(".");
}

describe("token encryption key rotation", () => {
  let h: Harness;
  const keyEnv = (current: Buffer, previous?: Buffer) => ({
    TOKEN_ENCRYPTION_KEY: current.toString("base64"),
    ...(previous ? { TOKEN_ENCRYPTION_KEY_PREVIOUS: previous.toString("base64") } : {}),
  });
  /** A process of racesync configured with these keys: what its Strava layer makes of the stored tokens. */
  const processWith = (current: Buffer, previous?: Buffer) => h.db.context({ env: { ...h.env, ...keyEnv(current, previous) } }).ctx;
  const ciphertexts = async () =>
    (await h.sql<{ a: string; r: string }[]>`select access_token_enc as a, refresh_token_enc as r from athletes where access_token_enc is not null`).flatMap((row) => [row.a, row.r]);

  beforeAll(async () => {
    h = await startHarness({ env: keyEnv(OLD_KEY) });
  });
  afterAll(() => h.close());

  it("old key → rotate-key → only the new key works, and the tokens from before the key ids are migrated too", async () => {
    const athletes = [await h.connect(), await h.connect(), await h.connect()];
    const legacy = await h.connect();
    await h.sql`update athletes set access_token_enc = ${legacyCiphertext(OLD_KEY, legacy.accessToken)},
      refresh_token_enc = ${legacyCiphertext(OLD_KEY, legacy.refreshToken)} where strava_id = ${legacy.athleteId}`;
    const everyone = [...athletes, legacy];
    const during = processWith(NEW_KEY, OLD_KEY);
    for (const a of everyone) await expect(during.strava.forAthlete(a.athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: a.athleteId });

    const rotated = await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY, OLD_KEY) });

    expect(rotated.code).toBe(0);
    expect(rotated.output).toContain(`Re-encrypting the Strava tokens of 4 athletes under key ${keyIdOf(NEW_KEY)}`);
    expect(rotated.output).toContain("4/4 athletes: 4 re-encrypted, 0 already current, 0 failed");
    expect(rotated.output).toContain("TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed");
    for (const stored of await ciphertexts()) expect(stored.split(".").slice(0, 2)).toEqual(["v2", keyIdOf(NEW_KEY)]);

    const after = processWith(NEW_KEY);
    for (const a of everyone) await expect(after.strava.forAthlete(a.athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: a.athleteId });
    const stale = processWith(OLD_KEY);
    await expect(stale.strava.forAthlete(legacy.athleteId, "webhook").getAthlete()).rejects.toThrow(/unknown key/);

    const again = await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY) });
    expect(again.code).toBe(0);
    expect(again.output).toContain("4/4 athletes: 0 re-encrypted, 4 already current, 0 failed");
  }, 120_000);

  it("rotate-key re-encrypts the tokens a queued Strava revocation holds", async () => {
    const leaving = await h.connect(); // under the harness's old key
    const [stored] = await h.sql<{ a: string; r: string }[]>`select access_token_enc as a, refresh_token_enc as r from athletes where strava_id = ${leaving.athleteId}`;
    await queueStravaRevoke(h.ctx.db, leaving.athleteId, { accessTokenEnc: stored!.a, refreshTokenEnc: stored!.r });

    const rotated = await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY, OLD_KEY) });

    expect(rotated.code).toBe(0);
    expect(rotated.output).toContain("1 queued Strava revocations re-encrypted");
    const [job] = await h.sql<{ payload: { accessTokenEnc: string; refreshTokenEnc: string } }[]>`
      select payload from graphile_worker._private_jobs where key = ${`strava-revoke:${leaving.athleteId}`}`;
    const newKeyOnly = { current: NEW_KEY };
    expect(decryptToken(newKeyOnly, job!.payload.accessTokenEnc, { athleteId: leaving.athleteId, field: "access" })).toBe(leaving.accessToken);
    expect(decryptToken(newKeyOnly, job!.payload.refreshTokenEnc, { athleteId: leaving.athleteId, field: "refresh" })).toBe(leaving.refreshToken);
  }, 120_000);

  it("a token copied into another athlete's row, or into the other field, does not decrypt", async () => {
    const keys = { current: NEW_KEY };
    const [a, b] = [await h.connect(), await h.connect()];
    const config = processWith(NEW_KEY);
    // Connected under the harness's (old) key: bring both rows to the new one first.
    expect((await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY, OLD_KEY) })).code).toBe(0);
    const [moved] = await h.sql<{ access_token_enc: string; refresh_token_enc: string }[]>`
      select access_token_enc, refresh_token_enc from athletes where strava_id = ${a.athleteId}`;

    expect(decryptToken(keys, moved!.access_token_enc, { athleteId: a.athleteId, field: "access" })).toBe(a.accessToken);
    expect(() => decryptToken(keys, moved!.access_token_enc, { athleteId: b.athleteId, field: "access" })).toThrow(TokenDecryptError);
    expect(() => decryptToken(keys, moved!.refresh_token_enc, { athleteId: a.athleteId, field: "access" })).toThrow(/moved from another athlete or field/);

    await h.sql`update athletes set access_token_enc = ${moved!.access_token_enc} where strava_id = ${b.athleteId}`;
    await expect(config.strava.forAthlete(b.athleteId, "webhook").getAthlete()).rejects.toThrow(/moved from another athlete or field/);
    await expect(config.strava.forAthlete(a.athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: a.athleteId });
  }, 120_000);

  it("without the previous key, rotate-key names the athletes it cannot decrypt and leaves them as they are", async () => {
    const stranded = await h.connect(); // under the harness's old key
    const [before] = await h.sql`select access_token_enc from athletes where strava_id = ${stranded.athleteId}`;

    const result = await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY) });

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/1 failed/);
    expect(result.output).toContain(`athletes ${stranded.athleteId})`);
    const [after] = await h.sql`select access_token_enc from athletes where strava_id = ${stranded.athleteId}`;
    expect(after!.access_token_enc).toBe(before!.access_token_enc);
  }, 120_000);

  it("refuses a configuration it cannot rotate with", async () => {
    const missing = await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY), TOKEN_ENCRYPTION_KEY: "" });
    expect(missing).toMatchObject({ code: 1, output: expect.stringMatching(/TOKEN_ENCRYPTION_KEY is required/) });
    const same = await rotateKey({ DATABASE_URL: h.db.url, ...keyEnv(NEW_KEY, NEW_KEY) });
    expect(same).toMatchObject({ code: 1, output: expect.stringMatching(/same key/) });
    expect(() => loadConfig({ ...keyEnv(NEW_KEY, NEW_KEY) })).toThrow(/TOKEN_ENCRYPTION_KEY_PREVIOUS is the same key/);
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY_PREVIOUS: OLD_KEY.toString("base64") })).toThrow(/needs TOKEN_ENCRYPTION_KEY/);
  }, 120_000);
});
