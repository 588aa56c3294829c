import { createMemo, createSignal, Match, onCleanup, Show, Switch } from "solid-js";
import { api, ApiError, STRAVA_LOGIN_URL } from "../api.js";
import { BackfillProgress } from "../me/BackfillProgress.js";
import { EventNameEditor } from "../me/EventNameEditor.js";
import { EMPTY_FILTERS } from "../races/filters.js";
import { LoadMore } from "../races/LoadMore.js";
import { createRaceList } from "../races/race-list.js";
import { RaceTable } from "../races/RaceTable.js";
import { useSession } from "../session.js";
import { subscribe } from "../stream.js";
import type { Me } from "../types.js";
import { Avatar } from "../ui/Avatar.js";
import { createConfirm } from "../ui/confirm.js";
import { EmptyState, ErrorPanel, Spinner } from "../ui/states.js";
import { ConnectWithStrava, StravaLogo } from "../ui/strava.js";

function SignedOut() {
  return (
    <section class="panel hero">
      <h1>Your races, kept in sync</h1>
      <p class="muted">
        Connect your Strava account and racesync imports the runs you marked as <em>Race</em> — and keeps them up to date
        as you add, edit or delete them on Strava.
      </p>
      <ConnectWithStrava />
      <p class="small muted">We ask for read access to your activities. You can disconnect at any time.</p>
    </section>
  );
}

function ReauthBanner() {
  return (
    <div class="banner banner-warn" role="alert" data-testid="reauth-banner">
      <div>
        <strong>Strava needs you to reconnect.</strong>
        <span> Your access expired or was changed, so we can't sync new races until you connect again.</span>
      </div>
      <a class="btn-strava btn-strava-small" href={STRAVA_LOGIN_URL}>
        <StravaLogo size={14} />
        <span>Reconnect</span>
      </a>
    </div>
  );
}

function Account(props: { me: Me }) {
  const session = useSession();
  const { ask, ConfirmDialog } = createConfirm();
  const [busy, setBusy] = createSignal<"" | "hidden" | "disconnect" | "logout">("");
  const [error, setError] = createSignal<string | null>(null);
  const fail = (e: unknown) => setError(e instanceof ApiError ? e.message : "Something went wrong.");

  async function toggleBoard(show: boolean) {
    const before = props.me.is_hidden;
    session.update((m) => ({ ...m, is_hidden: !show }));
    setBusy("hidden");
    setError(null);
    try {
      await api.updateMe({ is_hidden: !show });
    } catch (e) {
      session.update((m) => ({ ...m, is_hidden: before }));
      fail(e);
    } finally {
      setBusy("");
    }
  }

  async function disconnect() {
    const ok = await ask({
      title: "Disconnect from Strava?",
      message:
        "This revokes racesync's access to your Strava account and deletes all your Strava data here — your races and the event names you added. You can connect again later.",
      confirmLabel: "Disconnect and delete my data",
      danger: true,
    });
    if (!ok) return;
    setBusy("disconnect");
    try {
      await api.disconnect();
      window.location.assign("/");
    } catch (e) {
      fail(e);
      setBusy("");
    }
  }

  async function logout() {
    setBusy("logout");
    try {
      await api.logout();
      window.location.assign("/");
    } catch (e) {
      fail(e);
      setBusy("");
    }
  }

  return (
    <section class="panel" aria-labelledby="account-title">
      <h2 id="account-title">Settings</h2>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          data-testid="show-on-board"
          checked={!props.me.is_hidden}
          disabled={busy() === "hidden"}
          onChange={(e) => void toggleBoard(e.currentTarget.checked)}
        />
        <span class="switch-track" aria-hidden="true" />
        <span>
          Show me on the club board
          <span class="small muted block">When off, your races are only visible to you.</span>
        </span>
      </label>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="actions">
        <button type="button" class="btn" onClick={() => void logout()} disabled={busy() !== ""} data-testid="sign-out">
          {busy() === "logout" ? "Signing out…" : "Sign out"}
        </button>
        <button type="button" class="btn btn-danger-outline" onClick={() => void disconnect()} disabled={busy() !== ""} data-testid="disconnect">
          {busy() === "disconnect" ? "Disconnecting…" : "Disconnect from Strava"}
        </button>
      </div>
      <ConfirmDialog />
    </section>
  );
}

function SignedIn(props: { me: Me }) {
  const session = useSession();
  const myId = createMemo(() => props.me.strava_id);
  const myFilters = createMemo(() => ({ ...EMPTY_FILTERS, athleteId: myId() }));
  const list = createRaceList(myFilters);

  onCleanup(
    subscribe("sync.progress", (run) => {
      const current = session.me();
      if (!current || run.athlete_strava_id !== current.strava_id) return;
      if (run.kind === "backfill" || (current.sync && run.id === current.sync.id)) session.update((m) => ({ ...m, sync: run }));
    }),
  );

  return (
    <>
      <div class="profile">
        <Avatar url={props.me.profile} name={props.me.firstname} size={56} large />
        <div>
          <h1>
            {props.me.firstname} {props.me.lastname}
          </h1>
          <p class="muted small">
            <Show when={props.me.is_hidden} fallback="Visible on the club board">
              Hidden from the club board
            </Show>
            <Show when={props.me.is_admin}> · Admin</Show>
          </p>
        </div>
      </div>
      <Show when={props.me.status === "needs_reauth"}>
        <ReauthBanner />
      </Show>
      <Show when={props.me.status === "deauthorized"}>
        <div class="banner banner-warn" role="alert">
          <span>racesync no longer has access to your Strava account.</span>
          <ConnectWithStrava />
        </div>
      </Show>
      <div class="me-grid">
        <section class="panel" aria-labelledby="sync-title">
          <h2 id="sync-title">Strava sync</h2>
          <Show when={props.me.sync} fallback={<p class="muted">No import has run yet. It starts right after you connect.</p>}>
            {(run) => <BackfillProgress run={run()} />}
          </Show>
        </section>
        <Account me={props.me} />
      </div>
      <section class="panel" aria-labelledby="my-races-title">
        <h2 id="my-races-title">My races</h2>
        <p class="muted small">Give each race its official event name — racesync keeps it even when Strava changes.</p>
        <Switch>
          <Match when={list.loading()}>
            <Spinner label="Loading your races…" />
          </Match>
          <Match when={list.error() && list.races().length === 0}>
            <ErrorPanel title="Couldn't load your races" error={list.error()} onRetry={list.reload} />
          </Match>
          <Match when={list.races().length === 0}>
            <EmptyState title="No races yet" testid="races-empty">
              <span class="muted">Mark a run as a Race on Strava and it shows up here within seconds.</span>
            </EmptyState>
          </Match>
          <Match when={true}>
            <RaceTable
              races={list.races()}
              isFresh={list.isFresh}
              showAthlete={false}
              caption="My races, newest first"
              eventName={(race) => (
                <EventNameEditor
                  race={race}
                  onChange={(name) => list.patch(race.strava_activity_id, (r) => ({ ...r, event_name: name }))}
                />
              )}
            />
            <LoadMore list={list} />
          </Match>
        </Switch>
      </section>
    </>
  );
}

export function MePage() {
  const session = useSession();
  return (
    <Switch>
      <Match when={session.state().status === "loading"}>
        <Spinner />
      </Match>
      <Match when={session.state().status === "anonymous"}>
        <SignedOut />
      </Match>
      <Match when={session.state().status === "error"}>
        <ErrorPanel title="Couldn't load your account" error={(session.state() as { error: ApiError }).error} onRetry={() => void session.refresh()} />
      </Match>
      <Match when={session.me()}>{(me) => <SignedIn me={me()} />}</Match>
    </Switch>
  );
}
