import { Show } from "solid-js";
import { api } from "../api.js";
import { formatRelative } from "../format.js";
import type { WebhookEvent } from "../types.js";
import { DataTable, EmptyState, ListStates } from "../ui/states.js";
import type { Polled } from "./poll.js";
import { createRowAction, type Notify } from "./row-action.js";

interface WebhookEventsProps {
  polled: Polled<WebhookEvent[]>;
  nameOf: (id: number) => string;
  notify: Notify;
}

export function WebhookEvents(props: WebhookEventsProps) {
  const events = () => props.polled.data() ?? [];

  /** Queues the stored event's job again: for an event whose work failed, or to re-check an activity. */
  const replay = createRowAction<WebhookEvent>({
    notify: props.notify,
    label: (e) => `Event ${e.id}`,
    failed: "replay failed",
    act: async (e) => {
      const { job_key } = await api.admin.replayEvent(e.id);
      props.polled.set((list) => list?.map((x) => (x.id === e.id ? { ...x, outcome: "queued", error: null, job_key } : x)));
      void props.polled.refresh();
      return `Event ${e.id} (${e.object_type}.${e.aspect_type}) queued again.`;
    },
  });

  return (
    <section class="panel" aria-labelledby="events-title">
      <h2 id="events-title">Recent webhook events</h2>
      <ListStates loading={props.polled.loading()} error={props.polled.error()} count={events().length} what="webhook events"
        onRetry={() => void props.polled.refresh()} empty={<EmptyState title="No webhook events yet" />}>
        <DataTable caption="Recent webhook events, newest first" testid="webhook-events"
          rows={events()}
          head={
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Event</th>
              <th scope="col" class="num">Object</th>
              <th scope="col">Owner</th>
              <th scope="col">Outcome</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          }
        >
          {(e) => (
            <tr data-testid="webhook-event-row" data-event-id={String(e.id)} data-outcome={e.outcome}>
              <td class="nowrap" title={e.received_at}>{formatRelative(e.received_at)}</td>
              <td class="nowrap">
                <code>
                  {e.object_type}.{e.aspect_type}
                </code>
              </td>
              <td class="num">{e.object_id}</td>
              <td>{props.nameOf(e.owner_id)}</td>
              <td>
                <span class={`badge badge-outcome-${e.outcome.replace(/[^a-z_]/g, "")}`}>{e.outcome}</span>
                <Show when={e.error}>
                  <span class="small status-msg block">{e.error}</span>
                </Show>
              </td>
              <td>
                <button type="button" class="btn btn-sm" aria-label={`Replay event ${e.id}`} disabled={replay.isRunning(e)} onClick={() => void replay.run(e)}>
                  Replay
                </button>
              </td>
            </tr>
          )}
        </DataTable>
      </ListStates>
    </section>
  );
}
