import { createMemo, For, Show } from "solid-js";
import { formatDate, formatDuration } from "../format.js";
import { PRESET_KEYS, PRESETS } from "../races/filters.js";
import type { Race } from "../types.js";
import { bestTimesOverTime, timeTicks, type BestSeries } from "./chart-data.js";

const W = 320;
const H = 180;
const PAD = { top: 10, right: 10, bottom: 24, left: 46 };
export const SERIES_COLORS = ["#fc5200", "#2563eb", "#0f9d76", "#9333ea", "#d97706", "#db2777", "#0891b2", "#4b5563"];

function LineChart(props: { title: string; series: BestSeries[]; colorOf: (id: number) => string }) {
  const all = () => props.series.flatMap((s) => s.points);
  const tMin = () => Math.min(...all().map((p) => p.t));
  const tMax = () => Math.max(...all().map((p) => p.t));
  const sMin = () => Math.min(...all().map((p) => p.seconds));
  const sMax = () => Math.max(...all().map((p) => p.seconds));
  const span = () => Math.max(60, sMax() - sMin());
  const lo = () => sMin() - span() * 0.1;
  const hi = () => sMax() + span() * 0.1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (t: number) => (tMax() === tMin() ? PAD.left + innerW / 2 : PAD.left + ((t - tMin()) / (tMax() - tMin())) * innerW);
  // Faster is higher: the y axis runs from slow (bottom) to fast (top).
  const y = (s: number) => PAD.top + ((s - lo()) / (hi() - lo())) * innerH;
  const ticks = () => timeTicks(lo(), hi(), 3);
  const path = (s: BestSeries) => s.points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.seconds).toFixed(1)}`).join(" ");
  const label = () =>
    `${props.title} personal bests over time. ` +
    props.series.map((s) => `${s.athlete}: ${s.points.map((p) => `${formatDuration(p.seconds)} on ${formatDate(p.race.start_date_local)}`).join(", ")}`).join("; ");

  return (
    <figure class="chart chart-small">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label()} class="chart-svg">
        <For each={ticks()}>
          {(t) => (
            <g>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} class="grid" />
              <text x={PAD.left - 6} y={y(t) + 4} class="axis-label" text-anchor="end">
                {formatDuration(t)}
              </text>
            </g>
          )}
        </For>
        <text x={PAD.left} y={H - 6} class="axis-label">{formatDate(new Date(tMin()).toISOString())}</text>
        <Show when={tMax() !== tMin()}>
          <text x={W - PAD.right} y={H - 6} class="axis-label" text-anchor="end">
            {formatDate(new Date(tMax()).toISOString())}
          </text>
        </Show>
        <For each={props.series}>
          {(s) => (
            <g style={{ color: props.colorOf(s.athleteId) }}>
              <path d={path(s)} class="line" />
              <For each={s.points}>
                {(p) => (
                  <circle cx={x(p.t)} cy={y(p.seconds)} r="3.5" class="dot">
                    <title>{`${s.athlete}: ${formatDuration(p.seconds)} — ${p.race.event_name || p.race.name}, ${formatDate(p.race.start_date_local)}`}</title>
                  </circle>
                )}
              </For>
            </g>
          )}
        </For>
      </svg>
    </figure>
  );
}

export function BestTimes(props: { races: Race[] }) {
  const charts = createMemo(() =>
    PRESET_KEYS.map((key) => ({ key, title: PRESETS[key].label, series: bestTimesOverTime(props.races, key) })).filter(
      (c) => c.series.length > 0,
    ),
  );
  const athletes = createMemo(() => {
    const seen = new Map<number, string>();
    for (const c of charts()) for (const s of c.series) seen.set(s.athleteId, s.athlete);
    return [...seen].sort((a, b) => a[1].localeCompare(b[1]));
  });
  const colorOf = (id: number) => SERIES_COLORS[Math.max(0, athletes().findIndex(([a]) => a === id)) % SERIES_COLORS.length]!;

  return (
    <section class="best-times" aria-labelledby="best-times-title">
      <h3 id="best-times-title" class="chart-heading">
        Personal bests over time <span class="muted small">(time scaled to the exact distance)</span>
      </h3>
      <Show when={charts().length > 0} fallback={<p class="muted chart-empty">No standard-distance races yet.</p>}>
        <ul class="legend" aria-label="Athletes">
          <For each={athletes()}>
            {([id, name]) => (
              <li>
                <span class="swatch" style={{ background: colorOf(id) }} aria-hidden="true" />
                {name}
              </li>
            )}
          </For>
        </ul>
        <div class="small-multiples">
          <For each={charts()}>{(c) => <LineChart title={c.title} series={c.series} colorOf={colorOf} />}</For>
        </div>
      </Show>
    </section>
  );
}
