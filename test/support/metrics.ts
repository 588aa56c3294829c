import type { AppContext } from "../../src/context.js";
import { metricsOf } from "../../src/ops/metrics/racesync.js";

/** racesync_webhook_events_dropped_total{reason} of the process holding `ctx`. */
export async function droppedCount(ctx: AppContext, reason: string): Promise<number> {
  const { values } = await metricsOf(ctx).webhookEventsDropped.get();
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
