import { For, Show } from "solid-js";
import { stravaActivityUrl } from "../api.js";
import type { RunReport as Report } from "../types.js";

type RaceRef = Report["would_update"][number];
interface Item {
  id: number;
  label: string;
}

const raceLabel = (r: RaceRef) => (r.event_name ? `${r.name ?? "Race"} (${r.event_name})` : (r.name ?? `Activity ${r.strava_activity_id}`));

function ReportList(props: { title: string; items: Item[]; testid: string }) {
  return (
    <Show when={props.items.length > 0}>
      <h5>
        {props.title} <span class="num muted">({props.items.length})</span>
      </h5>
      <ul class="report-list" data-testid={props.testid}>
        <For each={props.items}>
          {(item) => (
            <li data-activity-id={String(item.id)}>
              <a href={stravaActivityUrl(item.id)} target="_blank" rel="noopener noreferrer">
                {item.label}
              </a>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

/** What a dry run (or a run held by the mass-delete guard) would add, update and remove. */
export function RunReport(props: { report: Report; title: string }) {
  const added = () => props.report.would_add.map((id) => ({ id, label: `Activity ${id}` }));
  const updated = () => props.report.would_update.map((r) => ({ id: r.strava_activity_id, label: raceLabel(r) }));
  const removed = () => props.report.would_remove.map((r) => ({ id: r.strava_activity_id, label: `${raceLabel(r)}: ${r.reason}` }));
  const nothing = () => added().length + updated().length + removed().length === 0;
  return (
    <section class="run-report" data-testid="run-report" aria-label="What this run would change">
      <h4>{props.title}</h4>
      <Show when={!nothing()} fallback={<p class="muted small" data-testid="run-report-empty">Nothing: the races already match Strava.</p>}>
        <ReportList title="Would add" items={added()} testid="report-add" />
        <ReportList title="Would update" items={updated()} testid="report-update" />
        <ReportList title="Would remove" items={removed()} testid="report-remove" />
      </Show>
    </section>
  );
}
