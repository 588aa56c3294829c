import { Show } from "solid-js";

/** Set by the server when racesync runs against its built-in Strava simulator (demo mode). */
const isDemo = () => document.querySelector('meta[name="racesync-mode"]')?.getAttribute("content") === "demo";

export function DemoBanner() {
  return (
    <Show when={isDemo()}>
      <div class="demo-banner" role="note" data-testid="demo-banner">
        <div class="container">
          <strong>Demo mode.</strong> racesync is running against its built-in Strava simulator: these
          athletes and races are made up, and a new activity arrives every 20 seconds. “Connect with
          Strava” signs you in as a new simulated athlete, with the admin pages open to you.
        </div>
      </div>
    </Show>
  );
}
