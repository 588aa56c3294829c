// Loading, empty and error states used by every page.
import { Show, type JSX } from "solid-js";
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
