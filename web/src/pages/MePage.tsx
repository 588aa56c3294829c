import { createMemo, createSignal, onCleanup, Show } from "solid-js";
import { api, ApiError, EXPORT_URL, STRAVA_LOGIN_URL } from "../api.js";
import { BackfillProgress } from "../me/BackfillProgress.js";
import { EventNameEditor } from "../me/EventNameEditor.js";
import { EMPTY_FILTERS } from "../races/filters.js";
import { LoadMore } from "../races/LoadMore.js";
import { createRaceList } from "../races/race-list.js";
import { RaceTable } from "../races/RaceTable.js";
import { SignedInOnly, useSession } from "../session.js";
import { subscribe } from "../stream.js";
import type { Me } from "../types.js";
import { Avatar } from "../ui/Avatar.js";
import { createConfirm } from "../ui/confirm.js";
import { EmptyState, FieldError, ListStates } from "../ui/states.js";
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
  const [busy, setBusy] = createSignal<"" | "share" | "disconnect" | "logout">("");
  const [error, setError] = createSignal<string | null>(null);
  const fail = (e: unknown) => setError(e instanceof ApiError ? e.message : "Something went wrong.");

  async function toggleBoard(share: boolean) {
    const before = props.me.share_on_board;
    session.update((m) => ({ ...m, share_on_board: share }));
    setBusy("share");
    setError(null);
    try {
      const me = await api.updateMe({ share_on_board: share });
      session.update(() => me);
    } catch (e) {
      session.update((m) => ({ ...m, share_on_board: before }));
      fail(e);
    } finally {
      setBusy("");
    }
  }

  async function disconnect() {
    const ok = await ask({
      title: "Disconnect from Strava?",
      message:
        "This revokes racesync's access to your Strava account and deletes, right now, everything racesync holds about you: your races and the event names you added, your name, profile picture and Strava tokens, the activity updates Strava sent us, and your sync history and its logs. Only your Strava id and the time you left are kept, so that late messages from Strava about you are ignored. You can connect again later and start afresh.",
      confirmLabel: "Disconnect and delete my data",
      danger: true,
    });
    if (ok) await leave("disconnect", api.disconnect);
  }

  /** Signs out (or disconnects), then starts afresh on the board. */
  async function leave(action: "logout" | "disconnect", call: () => Promise<unknown>) {
    setBusy(action);
    try {
      await call();
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
          checked={props.me.share_on_board === true}
          disabled={busy() === "share"}
          onChange={(e) => void toggleBoard(e.currentTarget.checked)}
        />
        <span class="switch-track" aria-hidden="true" />
        <span>
          Show my races on the club board
          <span class="small muted block">
            Other members see your races set to Everyone on Strava. When off, your races are visible to you (and the club's
            admins) only.
          </span>
        </span>
      </label>
      <Show when={props.me.is_hidden}>
        <p class="small flag" data-testid="hidden-by-admin">An admin has hidden you from the club board: other members don't see your races.</p>
      </Show>
      <FieldError error={error()} />
      <div class="actions">
        <a class="btn" href={EXPORT_URL} download="" data-testid="export-data">
          Download my data
        </a>
        <button type="button" class="btn" onClick={() => void leave("logout", api.logout)} disabled={busy() !== ""} data-testid="sign-out">
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

function boardStatus(me: Me): string {
  if (me.is_hidden) return "Hidden from the club board by an admin";
  if (me.share_on_board === true) return "Your public races are on the club board";
  return "Only you see your races";
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
            {boardStatus(props.me)}
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
        <ListStates loading={list.loading()} error={list.error()} count={list.races().length} what="your races" onRetry={list.reload}
          empty={
            <EmptyState title="No races yet" testid="races-empty">
              <span class="muted">Mark a run as a Race on Strava and it shows up here within seconds.</span>
            </EmptyState>
          }>
          <RaceTable
            races={list.races()}
            isFresh={list.isFresh}
            showAthlete={false}
            caption="My races, newest first"
            eventName={(race) => (
              <EventNameEditor race={race} onChange={(name) => list.patch(race.strava_activity_id, (r) => ({ ...r, event_name: name }))} />
            )}
          />
          <LoadMore list={list} />
        </ListStates>
      </section>
    </>
  );
}

export function MePage() {
  return <SignedInOnly signedOut={<SignedOut />}>{(me) => <SignedIn me={me()} />}</SignedInOnly>;
}
