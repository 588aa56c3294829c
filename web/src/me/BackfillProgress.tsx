// Progress of the athlete's history import (their latest backfill run), updated live by the Me page.
import { Show } from "solid-js";
import { isActive } from "../admin/runs.js";
import { formatCount, formatRelative, formatSpan } from "../format.js";
import type { SyncRun } from "../types.js";

/** Percent done when it can be known: finished → 100; with an estimate → seen/estimate (≤ 99 while running). */
export function backfillPercent(run: SyncRun): number | null {
  if (run.status === "succeeded") return 100;
  const total = run.estimated_total;
  if (typeof total === "number" && total > 0) {
    const pct = Math.floor((run.activities_seen / total) * 100);
    return Math.max(0, Math.min(isActive(run) ? 99 : 100, pct));
  }
  return null;
}

const STATUS_TEXT: Record<SyncRun["status"], string> = {
  queued: "Waiting to start",
  running: "Importing your history",
  succeeded: "History imported",
  failed: "Import failed",
  cancelled: "Import stopped",
  held: "Held for an administrator",
};

export function BackfillProgress(props: { run: SyncRun }) {
  const pct = () => backfillPercent(props.run);
  const active = () => isActive(props.run);
  const valueText = () =>
    `${STATUS_TEXT[props.run.status] ?? props.run.status}: ${formatCount(props.run.activities_seen)} activities checked, ` +
    `${formatCount(props.run.races_upserted)} races found`;
  // aria-valuenow: percent when known; otherwise the count of activities checked (no max).
  const valueNow = () => pct() ?? props.run.activities_seen;

  return (
    <div class="backfill">
      <div class="backfill-head">
        <strong>{STATUS_TEXT[props.run.status] ?? props.run.status}</strong>
        <Show when={pct() !== null}>
          <span class="num">{pct()}%</span>
        </Show>
      </div>
      <div
        class="progress"
        classList={{ indeterminate: pct() === null && active(), done: props.run.status === "succeeded", failed: props.run.status === "failed" }}
        role="progressbar"
        data-testid="backfill-progress"
        data-status={props.run.status}
        aria-label="History import progress"
        aria-valuemin={0}
        aria-valuemax={pct() === null ? undefined : 100}
        aria-valuenow={valueNow()}
        aria-valuetext={valueText()}
      >
        <div class="progress-bar" style={{ width: `${pct() ?? (active() ? 100 : 0)}%` }} />
      </div>
      <dl class="stats">
        <div>
          <dt>Pages</dt>
          <dd class="num">{formatCount(props.run.pages)}</dd>
        </div>
        <div>
          <dt>Activities checked</dt>
          <dd class="num">
            {formatCount(props.run.activities_seen)}
            <Show when={props.run.estimated_total}> / {formatCount(props.run.estimated_total)}</Show>
          </dd>
        </div>
        <div>
          <dt>Races found</dt>
          <dd class="num">{formatCount(props.run.races_upserted)}</dd>
        </div>
        <Show when={active() && props.run.eta_seconds !== null && props.run.eta_seconds !== undefined}>
          <div>
            <dt>Time left</dt>
            <dd class="num" data-testid="backfill-eta">about {formatSpan(props.run.eta_seconds!)}</dd>
          </div>
        </Show>
        <Show when={props.run.finished_at}>
          <div>
            <dt>Finished</dt>
            <dd>{formatRelative(props.run.finished_at)}</dd>
          </div>
        </Show>
      </dl>
      <Show when={props.run.status === "failed" && props.run.error}>
        <p class="field-error">{props.run.error}</p>
      </Show>
    </div>
  );
}
