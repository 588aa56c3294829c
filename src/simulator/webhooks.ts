import type { Random } from "./random.js";

export interface WebhookEvent {
  aspect_type: "create" | "update" | "delete";
  event_time: number;
  object_id: number;
  object_type: "activity" | "athlete";
  owner_id: number;
  subscription_id: number;
  updates: Record<string, string>;
}

export type DeliveryStatus = number | "timeout" | "error";
export interface DeliveryRecord { event: WebhookEvent; attempts: number; status: DeliveryStatus; delivered: boolean; at: string }

export interface WebhookFaults {
  dropShare: number; // 0..1 of events silently lost
  dropNext: number; // the next N events are lost
  duplicateShare: number; // 0..1 of events sent twice
  duplicateNext: number;
  delayMs: number; // wait before the first attempt
  reorderBatch: number; // > 1: hold events until this many are queued, then send them shuffled
}

const ATTEMPTS = 3;
const TIMEOUT_MS = 2000;
const noFaults = (): WebhookFaults => ({ dropShare: 0, dropNext: 0, duplicateShare: 0, duplicateNext: 0, delayMs: 0, reorderBatch: 0 });

/** Sends events to the subscription callback like Strava: 2 s timeout, up to 3 attempts until a 200. */
export class WebhookDispatcher {
  readonly log: DeliveryRecord[] = [];
  readonly dropped: WebhookEvent[] = [];
  faults: WebhookFaults = noFaults();
  private held: Array<{ url: string; event: WebhookEvent }> = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly random: Random, public retryDelayMs: number) {}

  resetFaults(): void {
    this.faults = noFaults();
  }

  send(callbackUrl: string, event: WebhookEvent): void {
    if (this.takeDrop()) {
      this.dropped.push(event);
      return;
    }
    const copies = this.takeDuplicate() ? 2 : 1;
    for (let i = 0; i < copies; i++) this.held.push({ url: callbackUrl, event });
    if (this.faults.reorderBatch <= 1 || this.held.length >= this.faults.reorderBatch) this.flush();
  }

  /** Releases events held for reordering (shuffled when a batch was configured). */
  flush(): void {
    const batch = this.faults.reorderBatch > 1 ? this.shuffle(this.held) : this.held;
    this.held = [];
    for (const item of batch) void this.deliver(item.url, item.event);
  }

  heldCount(): number {
    return this.held.length;
  }

  /** Resolves when no delivery is in flight (events held for reordering are not waited for). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async deliver(url: string, event: WebhookEvent): Promise<void> {
    this.inFlight++;
    try {
      if (this.faults.delayMs > 0) await sleep(this.faults.delayMs);
      let status: DeliveryStatus = "error";
      let attempts = 0;
      while (attempts < ATTEMPTS) {
        if (attempts > 0) await sleep(this.retryDelayMs);
        attempts++;
        status = await postEvent(url, event);
        if (status === 200) break;
      }
      this.log.push({ event, attempts, status, delivered: status === 200, at: new Date().toISOString() });
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private takeDrop(): boolean {
    if (this.faults.dropNext > 0) return this.faults.dropNext-- > 0;
    return this.faults.dropShare > 0 && this.random.chance(this.faults.dropShare);
  }

  private takeDuplicate(): boolean {
    if (this.faults.duplicateNext > 0) return this.faults.duplicateNext-- > 0;
    return this.faults.duplicateShare > 0 && this.random.chance(this.faults.duplicateShare);
  }

  private shuffle<T>(items: T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}

async function postEvent(url: string, event: WebhookEvent): Promise<DeliveryStatus> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.status;
  } catch (error) {
    return (error as Error).name === "TimeoutError" ? "timeout" : "error";
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
