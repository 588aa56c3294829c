import { For, Show } from "solid-js";
import { formatMonth } from "../format.js";
import { niceTicks, type MonthCount } from "./chart-data.js";

const W = 640;
const H = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 30 };

export function MonthlyBars(props: { data: MonthCount[] }) {
  const max = () => Math.max(1, ...props.data.map((d) => d.count));
  const ticks = () => niceTicks(0, max(), 4).filter((t) => Number.isInteger(t));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = () => innerW / Math.max(1, props.data.length);
  const y = (v: number) => PAD.top + innerH - (v / Math.max(max(), ticks().at(-1) ?? 1)) * innerH;
  const labelEvery = () => Math.ceil(props.data.length / 8);
  const summary = () => props.data.map((d) => `${formatMonth(d.key)}: ${d.count}`).join(", ");

  return (
    <figure class="chart">
      <figcaption>Races per month</figcaption>
      <Show when={props.data.length > 0} fallback={<p class="muted chart-empty">No races yet.</p>}>
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Races per month. ${summary()}`} preserveAspectRatio="none" class="chart-svg">
          <For each={ticks()}>
            {(t) => (
              <g>
                <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} class="grid" />
                <text x={PAD.left - 6} y={y(t) + 4} class="axis-label" text-anchor="end">
                  {t}
                </text>
              </g>
            )}
          </For>
          <For each={props.data}>
            {(d, i) => {
              const bw = () => Math.max(2, slot() * 0.7);
              const x = () => PAD.left + i() * slot() + (slot() - bw()) / 2;
              return (
                <g>
                  <rect class="bar" x={x()} width={bw()} y={y(d.count)} height={Math.max(0, PAD.top + innerH - y(d.count))} rx="2">
                    <title>{`${formatMonth(d.key)}: ${d.count} race${d.count === 1 ? "" : "s"}`}</title>
                  </rect>
                  <Show when={i() % labelEvery() === 0}>
                    <text x={x() + bw() / 2} y={H - 10} class="axis-label" text-anchor="middle">
                      {d.key.endsWith("-01") || i() === 0 ? formatMonth(d.key).replace(" 20", " '") : formatMonth(d.key, true)}
                    </text>
                  </Show>
                </g>
              );
            }}
          </For>
        </svg>
      </Show>
    </figure>
  );
}
