import { createMemo, createSignal, Show, type JSX } from "solid-js";
import { api, ApiError, athleteName } from "../api.js";
import { AthletesTable } from "../admin/AthletesTable.js";
import { BudgetPlan } from "../admin/BudgetPlan.js";
import { FailedJobs } from "../admin/FailedJobs.js";
import { QueueGauges, RateLimitGauges } from "../admin/Gauges.js";
import { createPolled } from "../admin/poll.js";
import { reconcileCostText } from "../admin/reconcile-cost.js";
import { SyncMonitor } from "../admin/SyncMonitor.js";
import { WebhookEvents } from "../admin/WebhookEvents.js";
import { SignedInOnly } from "../session.js";
import { createConfirm } from "../ui/confirm.js";
import { ConnectWithStrava } from "../ui/strava.js";

function AdminDashboard() {
  const { ask, ConfirmDialog } = createConfirm();
  const [notice, setNotice] = createSignal<{ message: string; kind: "ok" | "error" } | null>(null);
  const [reconciling, setReconciling] = createSignal(false);
  const [selectedRun, setSelectedRun] = createSignal<number | null>(null);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const notify = (message: string, kind: "ok" | "error" = "ok") => {
    setNotice({ message, kind });
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => setNotice(null), 6000);
  };

  const athletes = createPolled(() => api.admin.athletes(), 10_000);
  const runs = createPolled(() => api.admin.syncRuns(), 15_000);
  const rateLimit = createPolled(() => api.admin.rateLimit(), 5_000);
  const queue = createPolled(() => api.admin.queue(), 5_000);
  const events = createPolled(() => api.admin.webhookEvents(), 10_000);

  const names = createMemo(() => new Map((athletes.data() ?? []).map((a) => [a.strava_id, athleteName(a)])));
  const nameOf = (id: number) => names().get(id) ?? `Athlete ${id}`;

  async function reconcileAll() {
    setReconciling(true);
    try {
      const cost = await api.admin.reconcilePreview();
      const ok = await ask({
        title: "Reconcile everyone now?",
        message: reconcileCostText(cost),
        confirmLabel: "Reconcile everyone",
      });
      if (!ok) return;
      await api.admin.reconcileAll();
      notify("Reconcile queued for every athlete.");
      void runs.refresh();
    } catch (e) {
      notify(e instanceof ApiError ? e.message : "Couldn't start the reconcile.", "error");
    } finally {
      setReconciling(false);
    }
  }

  return (
    <>
      <div class="page-head page-head-row">
        <div>
          <h1>Admin</h1>
          <p class="muted">Sync health, the Strava API budget and every athlete's state.</p>
        </div>
        <button type="button" class="btn btn-primary" onClick={() => void reconcileAll()} disabled={reconciling()} data-testid="reconcile-all">
          {reconciling() ? "Queuing…" : "Reconcile everyone"}
        </button>
      </div>
      <div class="toast-region" role="status" aria-live="polite">
        <Show when={notice()}>{(n) => <div class={`toast toast-${n().kind}`}>{n().message}</div>}</Show>
      </div>
      <div class="gauges">
        <RateLimitGauges polled={rateLimit} />
        <BudgetPlan polled={rateLimit} />
        <QueueGauges polled={queue} />
      </div>
      <AthletesTable polled={athletes} confirm={ask} notify={notify} onRunStarted={(id) => {
        setSelectedRun(id);
        void runs.refresh();
      }} />
      <SyncMonitor polled={runs} selected={selectedRun()} onSelect={setSelectedRun} nameOf={nameOf} notify={notify} confirm={ask} />
      <FailedJobs polled={queue} notify={notify} />
      <WebhookEvents polled={events} nameOf={nameOf} notify={notify} />
      <ConfirmDialog />
    </>
  );
}

function AdminsOnly(props: { why: string; children?: JSX.Element }) {
  return (
    <section class="panel hero" data-testid="admins-only">
      <h1>Admins only</h1>
      <p class="muted">{props.why}</p>
      {props.children}
    </section>
  );
}

export function AdminPage() {
  const signedOut = (
    <AdminsOnly why="Sign in with an admin account to see this page.">
      <ConnectWithStrava />
    </AdminsOnly>
  );
  return (
    <SignedInOnly signedOut={signedOut}>
      {(me) => (
        <Show when={me().is_admin} fallback={<AdminsOnly why="This page is for the club's racesync admins." />}>
          <AdminDashboard />
        </Show>
      )}
    </SignedInOnly>
  );
}
