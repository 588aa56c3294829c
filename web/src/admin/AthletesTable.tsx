import { createSignal, Show } from "solid-js";
import { api, ApiError, athleteName, stravaAthleteUrl } from "../api.js";
import { formatCount, formatRelative } from "../format.js";
import type { AdminAthlete } from "../types.js";
import type { ConfirmOptions } from "../ui/confirm.js";
import { DataTable, EmptyState, ListStates } from "../ui/states.js";
import type { Polled } from "./poll.js";
import type { Notify } from "./row-action.js";

type Action = "reconcile" | "dry-run" | "full" | "stop" | "hide" | "block";

export function StatusBadge(props: { status: AdminAthlete["sync_status"] }) {
  return <span class={`badge badge-${props.status}`}>{props.status.replace(/_/g, " ")}</span>;
}

export function AthletesTable(props: {
  polled: Polled<AdminAthlete[]>;
  confirm: (o: ConfirmOptions) => Promise<boolean>;
  notify: Notify;
  /** A run this table started, to open in the sync monitor. */
  onRunStarted: (runId: number) => void;
}) {
  const [busy, setBusy] = createSignal<string | null>(null);
  const athletes = () => props.polled.data() ?? [];

  const patchLocal = (id: number, patch: Partial<AdminAthlete>) =>
    props.polled.set((list) => list?.map((a) => (a.strava_id === id ? { ...a, ...patch } : a)));

  async function run(a: AdminAthlete, action: Action) {
    const name = athleteName(a);
    if (action === "full") {
      const ok = await props.confirm({
        title: `Full refresh for ${name}?`,
        message: "This pages through their whole Strava history again. It can use a large part of the API budget.",
        confirmLabel: "Start full refresh",
      });
      if (!ok) return;
    }
    if (action === "block" && !a.is_blocked) {
      const ok = await props.confirm({
        title: `Block ${name}?`,
        message: "Their races leave the board and racesync stops syncing their account until you unblock them.",
        confirmLabel: "Block athlete",
        danger: true,
      });
      if (!ok) return;
    }
    setBusy(`${a.strava_id}:${action}`);
    try {
      switch (action) {
        case "reconcile":
        case "full": {
          const { run_id } = await api.admin.sync(a.strava_id, { mode: action });
          props.notify(`${action === "full" ? "Full refresh" : "Reconcile"} queued for ${name} (run ${run_id}).`);
          break;
        }
        case "dry-run": {
          const { run_id } = await api.admin.sync(a.strava_id, { mode: "reconcile", dry_run: true });
          props.notify(`Dry run queued for ${name} (run ${run_id}): nothing changes; its report shows below when it finishes.`);
          props.onRunStarted(run_id);
          break;
        }
        case "stop":
          await api.admin.stop(a.strava_id);
          props.notify(`Stopped sync work for ${name}.`);
          break;
        case "hide":
          await api.admin.updateAthlete(a.strava_id, { is_hidden: !a.is_hidden });
          patchLocal(a.strava_id, { is_hidden: !a.is_hidden });
          props.notify(`${name} is now ${a.is_hidden ? "shown on" : "hidden from"} the board.`);
          break;
        case "block":
          await api.admin.updateAthlete(a.strava_id, { is_blocked: !a.is_blocked });
          patchLocal(a.strava_id, { is_blocked: !a.is_blocked });
          props.notify(`${name} is ${a.is_blocked ? "unblocked" : "blocked"}.`);
          break;
      }
      void props.polled.refresh();
    } catch (e) {
      props.notify(`${name}: ${e instanceof ApiError ? e.message : "action failed"}`, "error");
    } finally {
      setBusy(null);
    }
  }

  const isBusy = (a: AdminAthlete, action: Action) => busy() === `${a.strava_id}:${action}`;

  return (
    <section class="panel" aria-labelledby="athletes-title">
      <h2 id="athletes-title">Athletes</h2>
      <ListStates loading={props.polled.loading()} error={props.polled.error()} count={athletes().length} what="athletes"
        onRetry={() => void props.polled.refresh()} empty={<EmptyState title="No athletes yet" />}>
        <DataTable caption="Athletes and their sync state" testid="admin-athletes"
          rows={athletes()}
          head={
            <tr>
              <th scope="col">Athlete</th>
              <th scope="col">Status</th>
              <th scope="col">Last success</th>
              <th scope="col" class="num">Races</th>
              <th scope="col" class="num">API calls 24 h</th>
              <th scope="col" class="num" title="Activities read from Strava by all of the athlete's sync runs">Activities checked</th>
              <th scope="col">Visibility</th>
              <th scope="col">Sync</th>
            </tr>
          }
        >
          {(a) => (
            <tr data-testid="admin-athlete-row" data-athlete-id={a.strava_id} data-status={a.sync_status}>
              <td>
                <a href={stravaAthleteUrl(a.strava_id)} target="_blank" rel="noopener noreferrer">
                  {athleteName(a)}
                </a>
                <span class="small muted block">
                  <span class="num">{a.strava_id}</span>
                  <Show when={a.is_hidden}> · <span class="flag">hidden</span></Show>
                  <Show when={a.is_blocked}> · <span class="flag flag-bad">blocked</span></Show>
                </span>
              </td>
              <td>
                <StatusBadge status={a.sync_status} />
                <Show when={a.sync_error}>
                  <span class="small status-msg block">{a.sync_error}</span>
                </Show>
                <Show when={a.scope_health.message}>
                  <span class="small status-msg block">{a.scope_health.message}</span>
                </Show>
              </td>
              <td class="nowrap">{formatRelative(a.last_success_at)}</td>
              <td class="num">{formatCount(a.race_count)}</td>
              <td class="num">{formatCount(a.api_calls_24h)}</td>
              <td class="num" data-testid="activities-checked">{formatCount(a.activities_checked)}</td>
              <td class="nowrap">
                <button
                  type="button"
                  class="btn btn-sm"
                  aria-label={`${a.is_hidden ? "Unhide" : "Hide"} ${athleteName(a)}`}
                  disabled={isBusy(a, "hide")}
                  onClick={() => void run(a, "hide")}
                >
                  {a.is_hidden ? "Unhide" : "Hide"}
                </button>{" "}
                <button
                  type="button"
                  class="btn btn-sm"
                  classList={{ "btn-danger-outline": !a.is_blocked }}
                  aria-label={`${a.is_blocked ? "Unblock" : "Block"} ${athleteName(a)}`}
                  disabled={isBusy(a, "block")}
                  onClick={() => void run(a, "block")}
                >
                  {a.is_blocked ? "Unblock" : "Block"}
                </button>
              </td>
              <td class="nowrap">
                <button type="button" class="btn btn-sm" aria-label={`Reconcile ${athleteName(a)}`} disabled={isBusy(a, "reconcile")} onClick={() => void run(a, "reconcile")}>
                  Reconcile
                </button>{" "}
                <button type="button" class="btn btn-sm" aria-label={`Dry-run reconcile for ${athleteName(a)}`} disabled={isBusy(a, "dry-run")} onClick={() => void run(a, "dry-run")}>
                  Dry run
                </button>{" "}
                <button type="button" class="btn btn-sm" aria-label={`Full refresh for ${athleteName(a)}`} disabled={isBusy(a, "full")} onClick={() => void run(a, "full")}>
                  Full refresh
                </button>{" "}
                <button type="button" class="btn btn-sm btn-danger-outline" aria-label={`Stop sync for ${athleteName(a)}`} disabled={isBusy(a, "stop")} onClick={() => void run(a, "stop")}>
                  Stop
                </button>
              </td>
            </tr>
          )}
        </DataTable>
      </ListStates>
    </section>
  );
}
