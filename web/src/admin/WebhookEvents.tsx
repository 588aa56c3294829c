import { For, Show } from "solid-js";
import { formatRelative } from "../format.js";
import type { WebhookEvent } from "../types.js";
import { EmptyState, ErrorPanel, Spinner } from "../ui/states.js";
import type { Polled } from "./poll.js";

export function WebhookEvents(props: { polled: Polled<WebhookEvent[]>; nameOf: (id: number) => string }) {
  const events = () => props.polled.data() ?? [];
  return (
    <section class="panel" aria-labelledby="events-title">
      <h2 id="events-title">Recent webhook events</h2>
      <Show when={!props.polled.loading()} fallback={<Spinner label="Loading events…" />}>
        <Show when={!(props.polled.error() && events().length === 0)} fallback={<ErrorPanel title="Couldn't load webhook events" error={props.polled.error()} onRetry={() => void props.polled.refresh()} />}>
          <Show when={events().length > 0} fallback={<EmptyState title="No webhook events yet" />}>
            <div class="table-wrap scroll-x">
              <table class="admin-table" data-testid="webhook-events">
                <caption class="sr-only">Recent webhook events, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Event</th>
                    <th scope="col" class="num">Object</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={events()}>
                    {(e) => (
                      <tr data-testid="webhook-event-row" data-event-id={String(e.id)}>
                        <td class="nowrap" title={e.received_at}>{formatRelative(e.received_at)}</td>
                        <td class="nowrap">
                          <code>
                            {e.object_type}.{e.aspect_type}
                          </code>
                        </td>
                        <td class="num">{e.object_id}</td>
                        <td>{props.nameOf(e.owner_id)}</td>
                        <td>
                          <span class={`badge badge-outcome-${(e.outcome ?? "pending").replace(/[^a-z_]/g, "")}`}>{e.outcome ?? "pending"}</span>
                          <Show when={e.error}>
                            <span class="small status-msg block">{e.error}</span>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        </Show>
      </Show>
    </section>
  );
}
