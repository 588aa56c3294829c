import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StravaTransient, StravaUnauthorized } from "../../src/strava/errors.js";
import { decryptToken, tokenKeys } from "../../src/strava/token-crypto.js";
import { startHarness, type Harness } from "../support/harness.js";

describe("token refresh under faults", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(async () => {
    await h.sql.unsafe(`drop trigger if exists fail_writes on athletes; drop function if exists fail_writes(); drop sequence if exists write_failures`);
  });

  const stored = async (athleteId: number) => {
    const [row] = await h.sql<{ refresh_token_enc: string; status: string; token_expires_at: Date }[]>`
      select refresh_token_enc, status, token_expires_at from athletes where strava_id = ${athleteId}`;
    return row!;
  };
  const storedRefreshToken = async (athleteId: number) =>
    decryptToken(tokenKeys(h.config), (await stored(athleteId)).refresh_token_enc, { athleteId, field: "refresh" });
  const expireSoon = (athleteId: number) =>
    h.sql`update athletes set token_expires_at = now() + interval '2 minutes' where strava_id = ${athleteId}`;
  const leases = async (athleteId: number) => h.sql`select holder from token_refresh_leases where athlete_id = ${athleteId}`;
  const spendAtStrava = (refreshToken: string) =>
    fetch(`${h.config.strava.oauthUrl}/token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: String(h.sim.clientId), client_secret: h.sim.clientSecret, grant_type: "refresh_token", refresh_token: refreshToken }),
    });

  /**
   * The next `count` updates of `column` on athletes fail with a database error. The failures are
   * counted by a sequence, which the failing statement's rollback does not undo.
   */
  async function failNextWrites(column: "refresh_token_enc" | "status", count: number): Promise<() => Promise<number>> {
    await h.sql.unsafe(`
      create sequence write_failures;
      create function fail_writes() returns trigger language plpgsql as $$
      begin
        if nextval('write_failures') <= ${count} then
          raise exception 'injected: connection to the database lost' using errcode = '08006';
        end if;
        return new;
      end $$;
      create trigger fail_writes before update of ${column} on athletes for each row execute function fail_writes()`);
    return async () => (await h.sql<{ n: number }[]>`select last_value::int as n from write_failures`)[0]!.n;
  }

  it("a database error while storing a new pair: the write is retried until it lands, and nobody is asked to reconnect", async () => {
    const { athleteId, refreshToken } = await h.connect();
    await expireSoon(athleteId);
    const writes = await failNextWrites("refresh_token_enc", 3);
    const before = h.sim.refreshStats();

    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: athleteId });

    expect(await writes()).toBe(4); // three failed attempts, then the one that landed
    expect(h.sim.refreshStats()).toEqual({ granted: before.granted + 1, refused: before.refused });
    const row = await stored(athleteId);
    expect(row.status).toBe("active");
    expect(row.token_expires_at.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    expect(await storedRefreshToken(athleteId)).not.toBe(refreshToken);
    expect(await leases(athleteId)).toEqual([]);
    expect((await spendAtStrava(refreshToken)).status).toBe(400); // the spent token is dead: only the stored pair works
  });

  it("a database error while checking a refused refresh is not taken for a refusal", async () => {
    const { athleteId, refreshToken } = await h.connect();
    await spendAtStrava(refreshToken); // rotated away outside racesync: Strava will refuse the stored one
    await expireSoon(athleteId);
    await failNextWrites("status", 1);
    const api = h.ctx.strava.forAthlete(athleteId, "webhook");

    const failure = await api.getAthlete().catch((err: unknown) => err);
    expect(failure).not.toBeInstanceOf(StravaUnauthorized);
    expect(String((failure as Error).cause)).toMatch(/connection to the database lost/);
    expect((await stored(athleteId)).status).toBe("active");

    await expect(api.getAthlete()).rejects.toBeInstanceOf(StravaUnauthorized); // the database answers now
    expect((await stored(athleteId)).status).toBe("needs_reauth");
  });

  it("two worker processes needing a refresh at once: Strava is asked once and refuses nothing", async () => {
    const { athleteId } = await h.connect();
    await expireSoon(athleteId);
    const processes = [h.db.context({ env: h.env }).ctx, h.db.context({ env: h.env }).ctx];
    const before = h.sim.refreshStats();

    const calls = processes.flatMap((ctx) => Array.from({ length: 6 }, () => ctx.strava.forAthlete(athleteId, "webhook").getAthlete()));
    const athletes = await Promise.all(calls);

    expect(athletes.map((a) => a.id)).toEqual(Array(12).fill(athleteId));
    expect(h.sim.refreshStats()).toEqual({ granted: before.granted + 1, refused: before.refused });
    expect((await stored(athleteId)).status).toBe("active");
  });

  it("a lease left behind by a killed process is taken over once it runs out", async () => {
    const { athleteId } = await h.connect();
    await expireSoon(athleteId);
    await h.sql`insert into token_refresh_leases (athlete_id, holder, expires_at) values (${athleteId}, 'killed', now() + interval '1 second')`;
    const before = h.sim.refreshStats();
    const started = Date.now();

    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).resolves.toMatchObject({ id: athleteId });

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(h.sim.refreshStats().granted).toBe(before.granted + 1);
    expect(await leases(athleteId)).toEqual([]);
  });

  it("a refresh held by another process for too long: the call gives up for now, without spending the token", async () => {
    const { athleteId, refreshToken } = await h.connect();
    await expireSoon(athleteId);
    await h.sql`insert into token_refresh_leases (athlete_id, holder, expires_at) values (${athleteId}, 'busy', now() + interval '1 minute')`;
    const before = h.sim.refreshStats();

    await expect(h.ctx.strava.forAthlete(athleteId, "webhook").getAthlete()).rejects.toBeInstanceOf(StravaTransient);

    expect(h.sim.refreshStats()).toEqual(before);
    expect(await storedRefreshToken(athleteId)).toBe(refreshToken);
    expect((await stored(athleteId)).status).toBe("active");
  }, 15_000);
});
