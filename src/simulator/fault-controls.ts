import type { ApiFaults, ServerErrorStatus } from "./api-faults.js";
import type { WebhookDispatcher, WebhookFaults } from "./webhooks.js";

export interface FaultSettings extends WebhookFaults {
  api5xxShare: number;
  api5xxNext: number;
  api5xxStatus: ServerErrorStatus;
  latencyMs: number;
}

/** Fault switches for webhook delivery and the athlete API. Every setter returns the new settings. */
export interface FaultControls {
  set(settings: Partial<FaultSettings>): FaultSettings;
  get(): FaultSettings;
  reset(): void;
  dropEvents(share: number): FaultSettings;
  dropNextEvents(count: number): FaultSettings;
  duplicateEvents(share: number): FaultSettings;
  duplicateNextEvents(count: number): FaultSettings;
  delayEvents(ms: number): FaultSettings;
  /** Hold events until `batchSize` are queued, then deliver them shuffled (0 = off; flush with deliveries.flush()). */
  reorderEvents(batchSize: number): FaultSettings;
  api5xx(share: number, status?: ServerErrorStatus): FaultSettings;
  api5xxNext(count: number, status?: ServerErrorStatus): FaultSettings;
  apiLatency(ms: number): FaultSettings;
  /** The activity answers 404 to its next `count` fetches, although it exists (a fresh upload). */
  activityNotFoundFor(activityId: number, count: number): void;
  /** The next `count` answers of GET /activities/:id reflect the state on arrival but leave `ms` later. */
  lateActivityAnswers(count: number, ms: number): void;
}

export function createFaultControls(webhooks: WebhookDispatcher, api: ApiFaults): FaultControls {
  const get = (): FaultSettings => ({
    ...webhooks.faults,
    api5xxShare: api.serverErrorShare,
    api5xxNext: api.serverErrorNext,
    api5xxStatus: api.serverErrorStatus,
    latencyMs: api.latencyMs,
  });
  const set = (s: Partial<FaultSettings>): FaultSettings => {
    const { api5xxShare, api5xxNext, api5xxStatus, latencyMs, ...hooks } = s;
    webhooks.faults = { ...webhooks.faults, ...hooks };
    if (api5xxShare !== undefined) api.serverErrorShare = api5xxShare;
    if (api5xxNext !== undefined) api.serverErrorNext = api5xxNext;
    if (api5xxStatus !== undefined) api.serverErrorStatus = api5xxStatus;
    if (latencyMs !== undefined) api.latencyMs = latencyMs;
    if (webhooks.faults.reorderBatch <= 1 && webhooks.heldCount() > 0) webhooks.flush();
    return get();
  };
  return {
    set,
    get,
    reset: () => {
      webhooks.resetFaults();
      api.reset();
      webhooks.flush();
    },
    dropEvents: (share) => set({ dropShare: share }),
    dropNextEvents: (count) => set({ dropNext: count }),
    duplicateEvents: (share) => set({ duplicateShare: share }),
    duplicateNextEvents: (count) => set({ duplicateNext: count }),
    delayEvents: (ms) => set({ delayMs: ms }),
    reorderEvents: (batchSize) => set({ reorderBatch: batchSize }),
    api5xx: (share, status = 500) => set({ api5xxShare: share, api5xxStatus: status }),
    api5xxNext: (count, status = 500) => set({ api5xxNext: count, api5xxStatus: status }),
    apiLatency: (ms) => set({ latencyMs: ms }),
    activityNotFoundFor: (activityId, count) => void api.notFoundFetches.set(activityId, count),
    lateActivityAnswers: (count, ms) => void (api.lateAnswers = { next: count, ms }),
  };
}
