// Asked once, on the first visit after connecting: may other members see this athlete's races?
// Until the athlete answers yes, their races are visible to themselves (and the club's admins) only.
import { createSignal, Show } from "solid-js";
import { api, ApiError } from "../api.js";
import { useSession } from "../session.js";
import { FieldError } from "../ui/states.js";

export function ConsentCard() {
  const session = useSession();
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function answer(share: boolean) {
    setSaving(true);
    setError(null);
    try {
      const me = await api.updateMe({ share_on_board: share });
      session.update(() => me);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Something went wrong. Try again.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <Show when={session.me()?.share_on_board === null}>
      <section class="panel consent" role="dialog" aria-labelledby="consent-title" data-testid="consent-card">
        <h2 id="consent-title">Show your races on the club board?</h2>
        <p>
          If you say yes, the other members of the club (and visitors, if the club made its board public) will see your
          races that are set to <strong>Everyone</strong> on Strava, with your name: each race's name and event name,
          date, distance, time, pace, elevation and heart rate.
        </p>
        <p class="muted small">
          Races you set to <em>Followers</em> or <em>Only You</em> on Strava are never shown to other members. Until you
          answer, your races are visible to you and the club's admins only. You can change your answer any time on your
          page.
        </p>
        <FieldError error={error()} />
        <div class="actions">
          <button type="button" class="btn btn-primary" disabled={saving()} onClick={() => void answer(true)} data-testid="consent-yes">
            Yes, show my races
          </button>
          <button type="button" class="btn" disabled={saving()} onClick={() => void answer(false)} data-testid="consent-no">
            No, keep them to myself
          </button>
        </div>
      </section>
    </Show>
  );
}
