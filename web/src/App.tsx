import { Match, Show, Switch } from "solid-js";
import { ConsentCard } from "./me/ConsentCard.js";
import { AdminPage } from "./pages/AdminPage.js";
import { MePage } from "./pages/MePage.js";
import { RacesPage } from "./pages/RacesPage.js";
import { currentPath, Link } from "./router.js";
import { SessionProvider, useSession } from "./session.js";
import { streamState } from "./stream.js";
import { Avatar } from "./ui/Avatar.js";
import { DemoBanner } from "./ui/DemoBanner.js";
import { PoweredByStrava } from "./ui/strava.js";

function LiveIndicator() {
  const session = useSession();
  // A signed-out visitor on a members-only board cannot open the stream; that is not "Offline".
  const hidden = () => streamState() === "idle" || (streamState() === "offline" && session.state().status === "anonymous");
  const label = () =>
    ({ live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline", idle: "" })[streamState()];
  return (
    <Show when={!hidden()}>
      <span class={`live live-${streamState()}`} role="status" title="Live updates from Strava">
        <span class="live-dot" aria-hidden="true" />
        {label()}
      </span>
    </Show>
  );
}

function Header() {
  const session = useSession();
  return (
    <header class="site-header">
      <div class="container header-inner">
        <Link href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          racesync
        </Link>
        <nav class="nav" aria-label="Main">
          <Link href="/">Races</Link>
          <Link href="/me">Me</Link>
          <Show when={session.isAdmin()}>
            <Link href="/admin" data-testid="admin-nav">
              Admin
            </Link>
          </Show>
        </nav>
        <div class="header-right">
          <LiveIndicator />
          <Show when={session.me()}>
            {(me) => (
              <Link href="/me" class="avatar-link">
                <Avatar url={me().profile} name={me().firstname} size={28} />
                <span class="sr-only">Signed in as {me().firstname} {me().lastname}</span>
              </Link>
            )}
          </Show>
        </div>
      </div>
    </header>
  );
}

function NotFound() {
  return (
    <section class="panel center">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to the races</Link>
      </p>
    </section>
  );
}

export function App() {
  const route = () => currentPath().replace(/\/+$/, "") || "/";
  return (
    <SessionProvider>
      <Header />
      <DemoBanner />
      <main class="container main" id="main">
        <ConsentCard />
        <Switch fallback={<NotFound />}>
          <Match when={route() === "/"}>
            <RacesPage />
          </Match>
          <Match when={route() === "/me"}>
            <MePage />
          </Match>
          <Match when={route() === "/admin"}>
            <AdminPage />
          </Match>
        </Switch>
      </main>
      <footer class="site-footer">
        <div class="container footer-inner">
          <span>racesync · the club's races, kept in sync</span>
          <PoweredByStrava />
        </div>
      </footer>
    </SessionProvider>
  );
}
