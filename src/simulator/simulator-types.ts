import type { Hono } from "hono";
import type { ActivityPatch, SeedAthleteInput } from "./control.js";
import type { OAuthControls } from "./context.js";
import type { FaultControls } from "./fault-controls.js";
import type { Limits, Usage } from "./rate-limit.js";
import type { RequestListener } from "./counters.js";
import type { HistoryOptions } from "./seed.js";
import type { SimActivity, SimActivityInput, SimAthlete } from "./store.js";
import type { PushSubscription } from "./subscription-state.js";
import type { RefreshStats, TokenPair } from "./tokens.js";
import type { DeliveryRecord, WebhookEvent } from "./webhooks.js";

/** The public shape of the simulator; see index.ts for how to drive it. */
export interface SimulatorOptions {
  clientId?: number;
  clientSecret?: string;
  /** Id of the one club every athlete belongs to unless made a non-member (default 4242). */
  clubId?: number;
  limits?: Partial<Limits>;
  windowSeconds?: number;
  daySeconds?: number;
  webhookRetryDelayMs?: number;
  tokenRotation?: boolean;
  /** Access-token lifetime (Strava's: 6 h); shorten it to make refreshes happen in a test. */
  accessTokenSeconds?: number;
  deauthorizeEmitsEvent?: boolean;
  seed?: number;
}

export interface LimitSettings extends Limits { windowSeconds: number; daySeconds: number }

export interface Simulator {
  app: Hono;
  readonly clientId: number;
  readonly clientSecret: string;
  readonly clubId: number;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
  seedAthlete(a?: SeedAthleteInput): SimAthlete;
  /** A seeded athlete (a copy); throws for an unknown id. */
  athlete(id: number): SimAthlete;
  seedHistory(athleteId: number, opts: HistoryOptions): SimActivity[];
  createActivity(athleteId: number, a?: Partial<SimActivityInput>): SimActivity;
  updateActivity(id: number, patch: ActivityPatch): SimActivity;
  deleteActivity(id: number): void;
  /** Makes the athlete a member of the one club (the default) or not; a non-member's token gets 404 there. */
  setClubMember(athleteId: number, member: boolean): void;
  deauthorizeAthlete(athleteId: number): void;
  /** Delivers an event that no change on Strava caused: one a forger sends, or a late one. */
  sendEvent(e: Omit<WebhookEvent, "subscription_id" | "event_time">): void;
  issueTokens(athleteId: number, scopes?: string): TokenPair;
  expireAccessTokens(athleteId: number): void;
  advanceTime(seconds: number): void;
  now(): number;
  activitiesOf(athleteId: number): SimActivity[];
  racesOf(athleteId: number): SimActivity[];
  oauth: OAuthControls;
  faults: FaultControls;
  counters: { requests(): Record<string, number>; requests(endpoint: string): number; rateLimited(): number; reset(): void };
  /** Calls `listener` after every answered OAuth and API request (the benchmarks' request log); returns the unsubscribe. */
  onRequest(listener: RequestListener): () => void;
  deliveries: { idle(): Promise<void>; log: DeliveryRecord[]; dropped: WebhookEvent[]; flush(): void };
  setLimits(limits: Partial<LimitSettings>): LimitSettings;
  rateLimitUsage(): Usage;
  setTokenRotation(on: boolean): void;
  /** Refresh-token grants so far, granted and refused. */
  refreshStats(): RefreshStats;
  setDeauthorizeEmitsEvent(on: boolean): void;
  subscription(): PushSubscription | null;
}
