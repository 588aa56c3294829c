import { dedupeKey, type WebhookEvent } from "../../src/webhooks/event.js";

export interface DeliveryFigures {
  /** POST requests sent, retries included. */
  requests: number;
  /** Deliveries answered 200 (an event sent twice counts twice). */
  acks: number;
  /** Answers other than 200, and requests with no answer within Strava's 2 s. */
  refusals: number;
  /** Dedupe keys of every event acknowledged at least once. */
  acked: Set<string>;
  /** Deliveries still without a 200 when their time ran out. */
  abandoned: number;
}

export interface DeliveryOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Pause before a delivery is tried again (Strava retries too; we keep going until a 200). */
  retryDelayMs: number;
  /** A delivery still failing after this long is abandoned. */
  giveUpAfterMs: number;
}

/** Posts events like Strava does (2 s timeout), each until it is answered 200 or its time runs out. */
export function createDeliverer(url: string, opts: DeliveryOptions) {
  const figures: DeliveryFigures = { requests: 0, acks: 0, refusals: 0, acked: new Set(), abandoned: 0 };

  async function post(event: WebhookEvent): Promise<boolean> {
    figures.requests++;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(2000),
      });
      await res.body?.cancel();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  async function deliver(event: WebhookEvent): Promise<void> {
    const giveUpAt = Date.now() + opts.giveUpAfterMs;
    while (!(await post(event))) {
      figures.refusals++;
      if (Date.now() > giveUpAt) {
        figures.abandoned++;
        return;
      }
      await new Promise((r) => setTimeout(r, opts.retryDelayMs));
    }
    figures.acks++;
    figures.acked.add(dedupeKey(event));
  }

  /** Delivers every event, `concurrency` at a time, in the order given. */
  async function deliverAll(events: WebhookEvent[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < events.length) await deliver(events[next++]!);
    };
    await Promise.all(Array.from({ length: opts.concurrency }, lane));
  }

  return { figures, deliverAll };
}

/** The events with `share` of them (rounded) sent twice, the copies mixed in, all in a random order. */
export function shuffledWithDuplicates<T>(events: T[], share: number, random: () => number): T[] {
  const copies = shuffled(events, random).slice(0, Math.round(events.length * share));
  return shuffled([...events, ...copies], random);
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const all = [...items];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}
