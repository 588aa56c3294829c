// Inline editor for a race's event name. Optimistic: the new name shows at once and is rolled back
// (with a message) if the PATCH fails.
import { createSignal, Show } from "solid-js";
import { api, ApiError } from "../api.js";
import type { Race } from "../types.js";
import { FieldError } from "../ui/states.js";

export function EventNameEditor(props: { race: Race; onChange: (eventName: string | null) => void }) {
  const [editing, setEditing] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let input: HTMLInputElement | undefined;

  const start = () => {
    setError(null);
    setEditing(true);
    queueMicrotask(() => {
      input?.focus();
      input?.select();
    });
  };

  async function save() {
    if (!editing() || !input) return;
    const next = input.value.trim() || null;
    const previous = props.race.event_name ?? null;
    setEditing(false);
    if (next === previous) return;
    props.onChange(next); // optimistic
    setSaving(true);
    try {
      await api.updateRace(props.race.strava_activity_id, { event_name: next });
    } catch (e) {
      props.onChange(previous); // roll back
      setError(e instanceof ApiError ? `Not saved: ${e.message}` : "Not saved.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <div class="event-editor">
      <Show
        when={editing()}
        fallback={
          <div class="event-display">
            <span classList={{ muted: !props.race.event_name, saving: saving() }}>{props.race.event_name || "No event name"}</span>
            <button
              type="button"
              class="btn btn-icon"
              data-testid="event-name-edit"
              aria-label={`Edit event name for ${props.race.name}`}
              onClick={start}
              disabled={saving()}
            >
              <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
                <path d="M13.6 2.6a2 2 0 0 1 2.8 2.8L6.5 15.3 2.5 16.5l1.2-4z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" />
              </svg>
            </button>
          </div>
        }
      >
        <form
          class="event-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input
            ref={input}
            type="text"
            maxLength={200}
            value={props.race.event_name ?? ""}
            placeholder="e.g. City Half Marathon 2026"
            aria-label={`Event name for ${props.race.name}`}
            data-testid="event-name-input"
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                setEditing(false);
              }
            }}
            onBlur={() => void save()}
          />
        </form>
      </Show>
      <FieldError error={error()} />
    </div>
  );
}
