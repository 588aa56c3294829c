// Rate-limit budget and job-queue gauges.
import { For, Show } from "solid-js";
import { formatCount, formatRelative } from "../format.js";
import type { BudgetWindow, QueueState, RateLimit } from "../types.js";
import type { Polled } from "./poll.js";

function Meter(props: { label: string; window: BudgetWindow }) {
  const used = () => props.window.used;
  const limit = () => props.window.limit;
  const pct = () => (limit() > 0 ? Math.min(100, Math.round((used() / limit()) * 100)) : 0);
  const level = () => (pct() >= 90 ? "high" : pct() >= 70 ? "mid" : "low");
  return (
    <div class="meter">
      <div class="meter-head">
        <span>{props.label}</span>
        <span class="num">
          {formatCount(used())} / {formatCount(limit())}
        </span>
      </div>
      <div
        class={`meter-track meter-${level()}`}
        role="meter"
        aria-label={`${props.label} used`}
        aria-valuemin={0}
        aria-valuemax={limit() || 100}
        aria-valuenow={used()}
      >
        <div class="meter-fill" style={{ width: `${pct()}%` }} />
      </div>
      <span class="small muted">resets {formatRelative(props.window.resets_at)}</span>
    </div>
  );
}

export function RateLimitGauges(props: { polled: Polled<RateLimit> }) {
  const d = () => props.polled.data();
  return (
    <section class="panel gauge-panel" aria-labelledby="budget-title" data-testid="rate-limit">
      <h2 id="budget-title">Strava API budget</h2>
      <Show when={d()} fallback={<Show when={props.polled.error()} fallback={<p class="muted">Loading…</p>}><p class="field-error">{props.polled.error()?.message}</p></Show>}>
        {(budget) => (
          <div class="meters">
            <Meter label="Overall · 15 min" window={budget().overall.short} />
            <Meter label="Overall · day" window={budget().overall.daily} />
            <Meter label="Read · 15 min" window={budget().read.short} />
            <Meter label="Read · day" window={budget().read.daily} />
          </div>
        )}
      </Show>
    </section>
  );
}

export function QueueGauges(props: { polled: Polled<QueueState> }) {
  const d = () => props.polled.data();
  const tasks = () => Object.entries(d()?.by_task ?? {}).sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <section class="panel gauge-panel" aria-labelledby="queue-title" data-testid="queue">
      <h2 id="queue-title">Job queue</h2>
      <Show when={d()} fallback={<Show when={props.polled.error()} fallback={<p class="muted">Loading…</p>}><p class="field-error">{props.polled.error()?.message}</p></Show>}>
        <div class="counters">
          <div class="counter">
            <span class="counter-value num">{formatCount(d()?.waiting ?? 0)}</span>
            <span class="counter-label">waiting</span>
          </div>
          <div class="counter">
            <span class="counter-value num">{formatCount(d()?.running ?? 0)}</span>
            <span class="counter-label">running</span>
          </div>
          <div class="counter" classList={{ "counter-bad": (d()?.failed ?? 0) > 0 }}>
            <span class="counter-value num">{formatCount(d()?.failed ?? 0)}</span>
            <span class="counter-label">failed</span>
          </div>
        </div>
        <Show when={tasks().length > 0}>
          <table class="mini-table">
            <caption class="sr-only">Jobs by task</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col" class="num">Waiting</th>
                <th scope="col" class="num">Running</th>
                <th scope="col" class="num">Failed</th>
              </tr>
            </thead>
            <tbody>
              <For each={tasks()}>
                {([task, c]) => (
                  <tr>
                    <td><code>{task}</code></td>
                    <td class="num">{formatCount(c.waiting)}</td>
                    <td class="num">{formatCount(c.running)}</td>
                    <td class="num">{formatCount(c.failed)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
    </section>
  );
}
