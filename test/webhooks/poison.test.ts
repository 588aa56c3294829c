import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeSubscriptionId } from "../../src/subscription/settings.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait.js";
import { webhookUrl } from "../support/webhook-url.js";

const SUBSCRIPTION_ID = 4242;

/**
 * Poisoned events sent at once with good ones, through the whole web app and a real worker: the
 * good ones are acknowledged, stored and synced whatever their neighbours in the group commit.
 */
describe("poisoned webhook events beside good ones", () => {
  let h: Harness;
  let athleteId: number;
  let activities: number[];
  let path: string;
  let eventTime = 1_765_000_000;
  beforeAll(async () => {
    h = await startHarness({ sim: { limits: { read15: 1000, overall15: 2000, readDay: 10_000, overallDay: 20_000 } } });
    ({ athleteId } = await h.connect({ history: { count: 80, raceShare: 0.5 } }));
    activities = h.sim.activitiesOf(athleteId).map((a) => a.id);
    await storeSubscriptionId(h.verbDb, SUBSCRIPTION_ID);
    path = await webhookUrl(h.verbDb);
    await h.startWorker();
  });
  afterAll(() => h.close());

  const event = (objectId: number, updates: Record<string, string> = {}) => ({
    aspect_type: "create", event_time: eventTime++, object_id: objectId, object_type: "activity", owner_id: athleteId, subscription_id: SUBSCRIPTION_ID, updates,
  });
  const post = (body: string | Uint8Array) => h.app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : new Uint8Array(body) });

  /** Waits until every one of `ids`' events was handled by its activity-sync job. */
  async function processed(ids: number[]): Promise<void> {
    let done = 0;
    await waitFor(async () => {
      const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from webhook_events where object_id = any(${ids}::bigint[]) and outcome <> 'queued'`;
      done = row!.n;
      return done === ids.length;
    }, () => `the sync of ${ids.length} events (${done} done)`);
  }

  it("refuses strings with NUL or unpaired surrogates, and invalid UTF-8, with a 400 naming the field; the 40 others are synced", async () => {
    const good = activities.slice(0, 40);
    const valid = JSON.stringify(event(activities[79]!, { title: "XX" }));
    const poisoned: Array<[string | Uint8Array, string]> = [
      [JSON.stringify(event(activities[75]!, { title: "nul\u0000byte" })), "updates.title"],
      [JSON.stringify(event(activities[76]!, { "ti\u0000tle": "key with a NUL" })), "updates"],
      [JSON.stringify(event(activities[77]!, { title: "high \ud800 alone" })), "updates.title"],
      [JSON.stringify(event(activities[78]!, { title: "low \udc00 alone" })), "updates.title"],
      [Buffer.concat([Buffer.from(valid.slice(0, valid.indexOf("XX"))), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(valid.slice(valid.indexOf("XX") + 2))]), "body"],
    ];
    const responses = await Promise.all([...good.map((id) => post(JSON.stringify(event(id)))), ...poisoned.map(([body]) => post(body))]);
    expect(responses.slice(0, 40).map((r) => r.status)).toEqual(Array(40).fill(200));
    for (const [i, [, field]] of poisoned.entries()) {
      const res = responses[40 + i]!;
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: "VALIDATION", field });
    }
    await processed(good);
    expect(await h.sql`select 1 from webhook_events where object_id = any(${activities.slice(75, 80)}::bigint[])`).toHaveLength(0);
  });

  it("when Postgres refuses an event the validation let through, only that event fails: its batch is retried one by one", async () => {
    await h.sql.unsafe(`
      create function refuse_poison() returns trigger language plpgsql as $$
      begin if new.updates ? 'poison' then raise exception 'poisoned event'; end if; return new; end $$;
      create trigger refuse_poison before insert on webhook_events for each row execute function refuse_poison()`);
    try {
      const good = activities.slice(40, 80);
      const poisoned = activities.slice(40, 45).map((id) => JSON.stringify(event(id, { poison: "yes" })));
      // In one go, in-process: every request reaches the group commit within its linger, so poisoned and good events share a batch.
      const responses = await Promise.all([...poisoned.map(post), ...good.map((id) => post(JSON.stringify(event(id))))]);
      expect(responses.map((r) => r.status)).toEqual([...Array(5).fill(500), ...Array(40).fill(200)]);
      await processed(good);
      expect(await h.sql`select 1 from webhook_events where updates ? 'poison'`).toHaveLength(0);
    } finally {
      await h.sql.unsafe("drop trigger refuse_poison on webhook_events; drop function refuse_poison()");
    }
  });
});
