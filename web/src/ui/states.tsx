// Loading, empty and error states used by every page.
import { For, Show, type JSX } from "solid-js";
import type { ApiError } from "../api.js";

export function Spinner(props: { label?: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{props.label ?? "Loading…"}</span>
    </div>
  );
}

export function ErrorPanel(props: { error: ApiError | Error | null | undefined; onRetry?: () => void; title?: string }) {
  return (
    <div class="state state-error" role="alert">
      <strong>{props.title ?? "Something went wrong"}</strong>
      <span>{props.error?.message ?? "Unknown error"}</span>
      <Show when={props.onRetry}>
        <button type="button" class="btn" onClick={() => props.onRetry?.()}>
          Try again
        </button>
      </Show>
    </div>
  );
}

export function EmptyState(props: { title: string; children?: JSX.Element; testid?: string }) {
  return (
    <div class="state state-empty" data-testid={props.testid}>
      <strong>{props.title}</strong>
      {props.children}
    </div>
  );
}

/** A list's four states: loading, failed with nothing to show, empty, or its content. */
export function ListStates(props: {
  loading: boolean;
  error: ApiError | Error | null | undefined;
  count: number;
  what: string;
  onRetry: () => void;
  empty: JSX.Element;
  children: JSX.Element;
}) {
  return (
    <Show when={!props.loading} fallback={<Spinner label={`Loading ${props.what}…`} />}>
      <Show when={!(props.error && props.count === 0)} fallback={<ErrorPanel title={`Couldn't load ${props.what}`} error={props.error} onRetry={props.onRetry} />}>
        <Show when={props.count > 0} fallback={props.empty}>
          {props.children}
        </Show>
      </Show>
    </Show>
  );
}

/** An admin table: one row per item, sideways scrolling on narrow screens, a caption for screen readers. */
export function DataTable<T>(props: { caption: string; testid?: string; head: JSX.Element; rows: readonly T[]; children: (row: T) => JSX.Element }) {
  return (
    <div class="table-wrap scroll-x">
      <table class="admin-table" data-testid={props.testid}>
        <caption class="sr-only">{props.caption}</caption>
        <thead>{props.head}</thead>
        <tbody>
          <For each={props.rows}>{(row) => props.children(row)}</For>
        </tbody>
      </table>
    </div>
  );
}

/** A form's error line, announced when it appears. */
export function FieldError(props: { error: string | null | undefined }) {
  return (
    <Show when={props.error}>
      <p class="field-error" role="alert">
        {props.error}
      </p>
    </Show>
  );
}
