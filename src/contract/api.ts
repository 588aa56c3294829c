import { z } from "zod";
import {
  adminAthleteSchema,
  adminSyncRequestSchema,
  adminWebhookEventSchema,
  athleteFlagsPatchSchema,
  rateLimitReportSchema,
  reconcilePreviewSchema,
  idParamsSchema,
  queueStateSchema,
  stoppedWorkSchema,
  stravaIdParamsSchema,
  syncRunsQuerySchema,
  webhookEventsQuerySchema,
} from "./admin.js";
import { athleteSummarySchema, mePatchSchema, meSchema } from "./athletes.js";
import { eventNamePatchSchema, raceExportSchema, raceFiltersSchema, raceParamsSchema, racePageSchema, raceSchema } from "./races.js";
import { syncRunDetailSchema, syncRunSchema } from "./runs.js";

/** The version of the HTTP contract in the OpenAPI document. */
export const API_VERSION = "1.0.0";

/** Who may call a route (design.md's "who"); decides its security and its 401/403 answers. */
export type Audience = "anyone" | "athlete" | "member" | "board viewer" | "owner or admin" | "admin" | "Strava" | "ops";

/**
 * One route of the HTTP contract. `params`, `query` and `body` are the zod schemas its `validate`
 * middlewares check (the OpenAPI test holds them to it); `response` is its JSON answer.
 */
export interface RouteSpec {
  summary: string;
  who: Audience;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  /** The success status, 200 unless said. */
  status?: 200 | 202 | 204 | 302;
  /** A route whose answer is not JSON: what it sends instead. */
  produces?: { contentType: string; description: string };
  /** Error statuses beyond the 400 of its inputs and the 401/403 of its audience. */
  errors?: readonly (403 | 404 | 409 | 503)[];
  /** Its inputs are parsed in the handler (a hand-tuned path), not by `validate` middleware: the schemas document them. */
  parsedByHand?: true;
}

/** `{error: {code, message, field?, request_id?}}`: every error answer. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    request_id: z.string().optional(),
  }),
});
export type ErrorJson = z.infer<typeof errorSchema>;

const runIdSchema = z.object({ run_id: z.number().int() });
const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

/** Every route racesync serves but Strava's webhook (documented beside its hand-tuned receiver). */
export const apiRoutes = {
  "GET /api/openapi.json": { summary: "This document: OpenAPI 3.1 of every route", who: "anyone", response: openApiDocumentSchema },

  "GET /auth/strava/login": {
    summary: "Connect with Strava: redirects to Strava's authorize page with a signed state",
    who: "anyone",
    status: 302,
    produces: { contentType: "text/html", description: "a redirect to `${STRAVA_OAUTH_URL}/authorize`" },
  },
  "GET /auth/strava/callback": {
    summary: "Strava's redirect back: checks the state, exchanges the code, stores the athlete, starts the backfill, signs in",
    who: "anyone",
    status: 302,
    produces: { contentType: "text/html", description: "a redirect to `/`, or a page saying why connecting failed" },
  },
  "POST /auth/logout": { summary: "Ends the session", who: "anyone", status: 204 },
  "POST /auth/strava/disconnect": { summary: "Deauthorizes at Strava, deletes the athlete's Strava data, ends the session", who: "athlete", status: 204 },

  "GET /api/me": { summary: "The signed-in athlete", who: "athlete", response: meSchema },
  "PATCH /api/me": { summary: "The athlete's own answer to showing their races on the club board", who: "athlete", body: mePatchSchema, response: meSchema },
  "GET /api/me/export": { summary: "The athlete's races and event names as a JSON download", who: "athlete", response: raceExportSchema },
  "GET /api/athletes": { summary: "Athletes the viewer may see, with race counts and sync state", who: "member", response: z.object({ athletes: z.array(athleteSummarySchema) }) },
  "GET /api/races": { summary: "Races, newest first, one keyset page at a time", who: "board viewer", query: raceFiltersSchema, response: racePageSchema },
  "PATCH /api/races/:stravaActivityId": {
    summary: "Names the event a race was run at (kept across syncs)",
    who: "owner or admin",
    params: raceParamsSchema,
    body: eventNamePatchSchema,
    response: raceSchema,
    errors: [404],
  },
  "GET /api/stream": {
    summary: "The change feed as Server-Sent Events: race.upserted, race.removed, sync.progress, sync.log",
    who: "board viewer",
    produces: { contentType: "text/event-stream", description: "one message per change the viewer may see; `data` is the race, the run or the log line as JSON" },
  },

  "GET /api/admin/athletes": { summary: "Every athlete with sync status, last sync, errors, flags", who: "admin", response: z.object({ athletes: z.array(adminAthleteSchema) }) },
  "PATCH /api/admin/athletes/:stravaId": {
    summary: "Hides or blocks an athlete (blocking stops their work)",
    who: "admin",
    params: stravaIdParamsSchema,
    body: athleteFlagsPatchSchema,
    response: z.object({ athlete: adminAthleteSchema }),
    errors: [404],
  },
  "POST /api/admin/athletes/:stravaId/sync": {
    summary: "Starts a reconcile or full refresh of one athlete (a dry run changes nothing and reports what it would)",
    who: "admin",
    params: stravaIdParamsSchema,
    body: adminSyncRequestSchema,
    response: runIdSchema,
    status: 202,
    errors: [404, 409],
  },
  "POST /api/admin/athletes/:stravaId/sync/stop": {
    summary: "Removes the athlete's queued jobs; running runs stop before their next page",
    who: "admin",
    params: stravaIdParamsSchema,
    response: stoppedWorkSchema,
    errors: [404],
  },
  "GET /api/admin/reconcile/preview": {
    summary: "What reconciling everyone would cost, before it starts: calls, time to finish, share of today's budget",
    who: "admin",
    response: reconcilePreviewSchema,
  },
  "POST /api/admin/reconcile": { summary: "Reconciles every active athlete now", who: "admin", response: z.object({ run_ids: z.array(z.number().int()) }), status: 202 },
  "GET /api/admin/sync-runs": { summary: "Sync runs, newest first", who: "admin", query: syncRunsQuerySchema, response: z.object({ runs: z.array(syncRunSchema) }) },
  "GET /api/admin/sync-runs/:id": {
    summary: "One run with its logs and, for a dry run or a held run, what it would change",
    who: "admin",
    params: idParamsSchema,
    response: syncRunDetailSchema,
    errors: [404],
  },
  "GET /api/admin/queue": { summary: "Jobs by task and state, and the ones that failed for good", who: "admin", response: queueStateSchema },
  "POST /api/admin/queue/jobs/:id/retry": {
    summary: "Gives a permanently failed job fresh attempts, now",
    who: "admin",
    params: idParamsSchema,
    response: z.object({ retried: z.literal(true) }),
    errors: [404, 409],
  },
  "GET /api/admin/rate-limit": { summary: "The shared Strava budget and the planner's day: calls by kind, projection, club size served", who: "admin", response: rateLimitReportSchema },
  "GET /api/admin/webhook-events": { summary: "Recent webhook events and what became of them", who: "admin", query: webhookEventsQuerySchema, response: z.object({ events: z.array(adminWebhookEventSchema) }) },
  "POST /api/admin/webhook-events/:id/replay": {
    summary: "Queues the stored event's job again",
    who: "admin",
    params: idParamsSchema,
    response: z.object({ job_key: z.string() }),
    status: 202,
    errors: [404, 409],
  },

  "GET /healthz": {
    summary: "Liveness: the process runs and, in a worker, its job runner too (else 503 with the reason)",
    who: "ops",
    response: z.object({ status: z.enum(["ok", "failed"]), phase: z.string(), reason: z.string().optional() }),
    errors: [503],
  },
  "GET /readyz": {
    summary: "Readiness: started, database reachable, migrations current (else 503 with the phase)",
    who: "ops",
    response: z.object({ status: z.string(), phase: z.string(), database: z.string().optional(), migrations: z.string().optional() }),
    errors: [503],
  },
  "GET /metrics": {
    summary: "Prometheus metrics (Authorization: Bearer METRICS_TOKEN when set)",
    who: "ops",
    produces: { contentType: "text/plain; version=0.0.4", description: "Prometheus text format" },
  },
} as const satisfies Record<string, RouteSpec>;

export type ApiRoutes = typeof apiRoutes;
export type RouteKey = keyof ApiRoutes;

type PartOf<K extends RouteKey, P extends "params" | "query" | "body" | "response"> = ApiRoutes[K] extends { [Q in P]: infer S extends z.ZodType } ? S : never;
type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** What a route answers (its JSON, parsed), `undefined` for a route with no body. */
export type ResponseOf<K extends RouteKey> = [PartOf<K, "response">] extends [never] ? undefined : z.output<PartOf<K, "response">>;
export type BodyOf<K extends RouteKey> = z.input<PartOf<K, "body">>;
export type QueryOf<K extends RouteKey> = z.input<PartOf<K, "query">>;
export type ParamsOf<K extends RouteKey> = { [Name in ParamNames<K>]: number };

/** What a client sends to a route: its path parameters, its query and its JSON body, each only where the route takes one. */
export type RequestOf<K extends RouteKey> = ([ParamNames<K>] extends [never] ? unknown : { params: ParamsOf<K> }) &
  ([PartOf<K, "query">] extends [never] ? unknown : { query?: QueryOf<K> }) &
  ([PartOf<K, "body">] extends [never] ? unknown : { body: BodyOf<K> });
