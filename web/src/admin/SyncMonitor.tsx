import { createSignal, For, Match, onCleanup, Show, Switch } from "solid-js";
import { api, ApiError } from "../api.js";
import { formatCount, formatDateTime, formatRelative, formatSpan } from "../format.js";
import { subscribe } from "../stream.js";
import type { SyncRun, SyncRunDetail } from "../types.js";
import { DataTable, EmptyState, ErrorPanel, ListStates, Spinner } from "../ui/states.js";
import type { ConfirmOptions } from "../ui/confirm.js";
import type { Polled } from "./poll.js";
import type { Notify } from "./row-action.js";
import { appendLog, isActive, upsertRun } from "./runs.js";
import { RunReport } from "./RunReport.js";

function duration(run: SyncRun): string {
  if (!run.started_at) return "–";
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  return formatSpan(Math.max(0, (end - Date.parse(run.started_at)) / 1000));
}

function RunStatus(props: { status: string }) {
  return <span class={`badge badge-run-${props.status}`}>{props.status}</span>;
}

interface RunDetailProps {
  id: number;
  nameOf: (id: number) => string;
  onStop: (run: SyncRun) => void;
  onApplyHeld: (run: SyncRun) => void;
  onClose: () => void;
}

function RunDetail(props: RunDetailProps) {
  const [detail, setDetail] = createSignal<SyncRunDetail | null>(null);
  const [error, setError] = createSignal<ApiError | null>(null);

  // A run's report is made when it finishes: a detail loaded before that is loaded again then.
  let finishSeen = false;
  async function load() {
    setError(null);
    try {
      const loaded = await api.admin.syncRun(props.id);
      setDetail(loaded);
      if (finishSeen && isActive(loaded)) void load();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "UNKNOWN", String(e)));
    }
  }
  void load();

  onCleanup(
    subscribe("sync.log", (line) => {
      if (line.run_id !== props.id) return;
      setDetail((d) => (d ? { ...d, logs: appendLog(d.logs, line) } : d));
    }),
  );
  onCleanup(
    subscribe("sync.progress", (run) => {
      if (run.id !== props.id) return;
      const shown = detail();
      finishSeen ||= !isActive(run);
      setDetail((d) => (d ? { ...d, ...run, logs: d.logs } : d));
      if (shown && isActive(shown) && !isActive(run)) void load();
    }),
  );

  return (
    <div class="run-detail" aria-live="polite" data-testid="sync-run-detail">
      <div class="run-detail-head">
        <h3>Run {props.id}</h3>
        <button type="button" class="btn btn-sm btn-ghost" onClick={props.onClose}>
          Close
        </button>
      </div>
      <Switch>
        <Match when={error()}>
          <ErrorPanel title="Couldn't load the run" error={error()} onRetry={() => void load()} />
        </Match>
        <Match when={!detail()}>
          <Spinner label="Loading run…" />
        </Match>
        <Match when={detail()}>
          {(d) => (
            <>
              <p class="small">
                {props.nameOf(d().athlete_strava_id)} · {d().kind} · {d().trigger} · <RunStatus status={d().status} />
                <Show when={isActive(d())}>
                  {" "}
                  <button type="button" class="btn btn-sm btn-danger-outline" data-testid="stop-run-detail" onClick={() => props.onStop(d())}>
                    Stop
                  </button>
                </Show>
              </p>
              <Show when={d().error}>
                <p class="field-error">{d().error}</p>
              </Show>
              <Show when={d().status === "held" && (d().kind === "full" || d().kind === "reconcile")}>
                <p>
                  <button type="button" class="btn btn-sm btn-danger-outline" data-testid="apply-held-run" onClick={() => props.onApplyHeld(d())}>
                    Apply anyway
                  </button>
                </p>
              </Show>
              <Show when={d().report}>
                {(report) => <RunReport report={report()} title={d().dry_run ? "Dry run: what it would change (nothing was changed)" : "Held: what it would change"} />}
              </Show>
              <Show when={d().logs.length > 0} fallback={<p class="muted small">No log lines.</p>}>
                <ol class="logs" aria-label="Run log">
                  <For each={d().logs}>
                    {(l) => (
                      <li class={`log log-${l.level}`}>
                        <time datetime={l.at}>{formatDateTime(l.at).split(", ")[1] ?? l.at}</time>
                        <span class="log-level">{l.level}</span>
                        <span class="log-msg">{l.message}</span>
                        <Show when={l.metadata && Object.keys(l.metadata as object).length > 0}>
                          <code class="log-meta">{JSON.stringify(l.metadata)}</code>
                        </Show>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}

interface SyncMonitorProps {
  polled: Polled<SyncRun[]>;
  /** The run whose detail is open. */
  selected: number | null;
  onSelect: (runId: number | null) => void;
  nameOf: (id: number) => string;
  notify: Notify;
  confirm: (o: ConfirmOptions) => Promise<boolean>;
}

export function SyncMonitor(props: SyncMonitorProps) {
  const selected = () => props.selected;
  const setSelected = (id: number | null) => props.onSelect(id);
  const runs = () => props.polled.data() ?? [];

  onCleanup(subscribe("sync.progress", (run) => props.polled.set((list) => upsertRun(list ?? [], run))));

  async function stop(run: SyncRun) {
    try {
      await api.admin.stop(run.athlete_strava_id);
      props.notify(`Stop requested for run ${run.id}.`);
      void props.polled.refresh();
    } catch (e) {
      props.notify(e instanceof ApiError ? e.message : "Couldn't stop the run.", "error");
    }
  }

  /** A run held by the mass-delete guard: an admin who checked Strava runs it again, removals allowed. */
  async function applyHeld(run: SyncRun) {
    const ok = await props.confirm({
      title: "Remove these races?",
      message: `Run ${run.id} stopped because it would remove many of ${props.nameOf(run.athlete_strava_id)}'s races. Run it again and let it remove them?`,
      confirmLabel: "Remove the races",
      danger: true,
    });
    if (!ok) return;
    try {
      const mode = run.kind === "reconcile" ? "reconcile" : "full";
      const started = await api.admin.sync(run.athlete_strava_id, { mode, allow_mass_delete: true });
      props.notify(`Started run ${started.run_id} with removals allowed.`);
      void props.polled.refresh();
    } catch (e) {
      props.notify(e instanceof ApiError ? e.message : "Couldn't start the run.", "error");
    }
  }

  return (
    <section class="panel" aria-labelledby="runs-title">
      <h2 id="runs-title">Sync monitor</h2>
      <ListStates loading={props.polled.loading()} error={props.polled.error()} count={runs().length} what="sync runs"
        onRetry={() => void props.polled.refresh()} empty={<EmptyState title="No sync runs yet" />}>
        <div class="monitor" classList={{ "with-detail": selected() !== null }}>
          <DataTable caption="Sync runs, newest first"
            rows={runs()}
            head={
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Athlete</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Pages</th>
                <th scope="col" class="num">Seen</th>
                <th scope="col" class="num">Races ±</th>
                <th scope="col" class="num">API</th>
                <th scope="col">Started</th>
                <th scope="col">Took</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            }
          >
            {(r) => (
              <tr
                data-testid="sync-run-row"
                data-run-id={String(r.id)}
                data-status={r.status}
                classList={{ selected: selected() === r.id }}
              >
                <td>
                  <button
                    type="button"
                    class="link-button num"
                    aria-label={`Show run ${r.id} details`}
                    aria-expanded={selected() === r.id}
                    onClick={() => setSelected(selected() === r.id ? null : r.id)}
                  >
                    #{r.id}
                  </button>
                </td>
                <td>{props.nameOf(r.athlete_strava_id)}</td>
                <td>
                  {r.kind}
                  <Show when={r.dry_run}>
                    {" "}
                    <span class="flag">dry run</span>
                  </Show>
                  <span class="small muted block">{r.trigger}</span>
                </td>
                <td>
                  <RunStatus status={r.status} />
                </td>
                <td class="num">{formatCount(r.pages)}</td>
                <td class="num">{formatCount(r.activities_seen)}</td>
                <td class="num">
                  +{formatCount(r.races_upserted)}
                  <Show when={r.races_removed}> −{formatCount(r.races_removed)}</Show>
                </td>
                <td class="num">{formatCount(r.api_calls)}</td>
                <td class="nowrap">{formatRelative(r.started_at)}</td>
                <td class="nowrap num">{duration(r)}</td>
                <td>
                  <Show when={isActive(r)}>
                    <button type="button" class="btn btn-sm btn-danger-outline" data-testid="stop-run" aria-label={`Stop run ${r.id}`} onClick={() => void stop(r)}>
                      Stop
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </DataTable>
          <Show when={selected()} keyed>
            {(id) => (
              <RunDetail id={id} nameOf={props.nameOf} onStop={(r) => void stop(r)} onApplyHeld={(r) => void applyHeld(r)} onClose={() => setSelected(null)} />
            )}
          </Show>
        </div>
      </ListStates>
    </section>
  );
}
