// A modal confirmation built on <dialog>. Usage: const confirm = useConfirm(); await confirm({...}).
import { createSignal, Show } from "solid-js";

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
}

export function createConfirm() {
  const [pending, setPending] = createSignal<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null);
  let dialog: HTMLDialogElement | undefined;

  const ask = (opts: ConfirmOptions) =>
    new Promise<boolean>((resolve) => {
      setPending({ ...opts, resolve });
      if (dialog && !dialog.open) dialog.showModal?.();
    });

  const settle = (ok: boolean) => {
    const p = pending();
    setPending(null);
    if (dialog?.open) dialog.close();
    p?.resolve(ok);
  };

  function ConfirmDialog() {
    return (
      <dialog
        ref={dialog}
        class="dialog"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-message"
        onCancel={(e) => {
          e.preventDefault();
          settle(false);
        }}
      >
        <Show when={pending()}>
          {(p) => (
            <form method="dialog" onSubmit={(e) => { e.preventDefault(); settle(true); }}>
              <h2 id="confirm-title">{p().title}</h2>
              <p id="confirm-message">{p().message}</p>
              <div class="dialog-actions">
                <button type="button" class="btn" onClick={() => settle(false)} autofocus>
                  Cancel
                </button>
                <button type="submit" class={p().danger ? "btn btn-danger" : "btn btn-primary"} data-testid="confirm-ok">
                  {p().confirmLabel}
                </button>
              </div>
            </form>
          )}
        </Show>
      </dialog>
    );
  }

  return { ask, ConfirmDialog };
}
