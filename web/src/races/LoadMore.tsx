import { Show } from "solid-js";
import type { RaceList } from "./race-list.js";

/** The "Load more" button under a race table, while the cursor has more pages. */
export function LoadMore(props: { list: RaceList }) {
  return (
    <Show when={props.list.hasMore()}>
      <div class="load-more">
        <button type="button" class="btn" onClick={() => void props.list.loadMore()} disabled={props.list.loadingMore()} data-testid="load-more">
          {props.list.loadingMore() ? "Loading…" : "Load more"}
        </button>
      </div>
    </Show>
  );
}
