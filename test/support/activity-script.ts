import type { SimActivity, Simulator } from "../../src/simulator/index.js";
import { dedupeKey, type WebhookEvent } from "../../src/webhooks/event.js";

/**
 * Athletes using Strava: uploads, edits (title, sport type, privacy) and deletions made in the
 * simulator, each returned as the webhook event Strava sends for it. The test delivers the events
 * itself (shuffled, duplicated, retried), so nothing is subscribed in the simulator.
 */
export class ActivityScript {
  /** Activities that exist, as last changed, newest last. */
  private readonly live: SimActivity[] = [];
  private readonly keys = new Set<string>();
  private edits = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly athletes: number[],
    private seed = 7,
  ) {}

  /** The next `count` changes on Strava, as events (each with a dedupe key of its own). */
  next(count: number): WebhookEvent[] {
    return Array.from({ length: count }, () => this.step());
  }

  /** A number in [0, 1) from a small deterministic generator, so a run can be repeated. */
  random(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2 ** 31;
    return this.seed / 2 ** 31;
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private step(): WebhookEvent {
    const roll = this.random();
    if (roll < 0.25 || this.live.length < 20) return this.create();
    if (roll < 0.3) return this.remove();
    return this.edit();
  }

  private create(): WebhookEvent {
    const activity = this.sim.createActivity(this.pick(this.athletes), { sport_type: "Run", workout_type: this.random() < 0.5 ? 1 : 0 });
    this.live.push(activity);
    return this.event(activity, "create", {})!;
  }

  private remove(): WebhookEvent {
    const [activity] = this.live.splice(Math.floor(this.random() * this.live.length), 1);
    this.sim.deleteActivity(activity!.id);
    return this.event(activity!, "delete", {})!;
  }

  /** Edits one of the last 150 uploads, so edits come in bursts about the same activities. */
  private edit(): WebhookEvent {
    const index = this.live.length - 1 - Math.floor(this.random() * Math.min(150, this.live.length));
    const before = this.live[index]!;
    const kind = this.random();
    if (kind < 0.2) {
      const after = (this.live[index] = this.sim.updateActivity(before.id, { sport_type: before.sport_type === "Run" ? "Ride" : "Run" }));
      const event = this.event(after, "update", { type: after.sport_type });
      if (event) return event;
    } else if (kind < 0.35) {
      const after = (this.live[index] = this.sim.updateActivity(before.id, { visibility: before.private ? "everyone" : "only_me" }));
      const event = this.event(after, "update", { private: String(after.private) });
      if (event) return event;
    }
    const name = `Edit ${++this.edits}`;
    this.live[index] = this.sim.updateActivity(before.id, { name });
    return this.event(this.live[index]!, "update", { title: name })!;
  }

  /**
   * The event Strava sends, or null when it would repeat an earlier event's dedupe key (a toggle
   * and its undo within one second: event_time has a one-second grain). The caller then makes a
   * title edit as well, whose event makes racesync fetch the activity as it is now.
   */
  private event(activity: SimActivity, aspect: WebhookEvent["aspect_type"], updates: Record<string, string>): WebhookEvent | null {
    const event: WebhookEvent = {
      aspect_type: aspect, event_time: this.sim.now(), object_id: activity.id, object_type: "activity",
      owner_id: activity.athlete_id, subscription_id: 1, updates,
    };
    const key = dedupeKey(event);
    if (this.keys.has(key)) return null;
    this.keys.add(key);
    return event;
  }
}
