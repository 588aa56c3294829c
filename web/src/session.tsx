// Who is signed in (GET /api/me), shared by the header and every page.
import { createContext, createSignal, Match, Switch, useContext, type JSX } from "solid-js";
import { api, ApiError } from "./api.js";
import type { Me } from "./types.js";
import { ErrorPanel, Spinner } from "./ui/states.js";

export type SessionState =
  | { status: "loading" }
  | { status: "anonymous" }
  | { status: "signed-in"; me: Me }
  | { status: "error"; error: ApiError };

export interface Session {
  state: () => SessionState;
  me: () => Me | null;
  isAdmin: () => boolean;
  refresh: () => Promise<void>;
  update: (fn: (me: Me) => Me) => void;
}

const SessionContext = createContext<Session>();

export function SessionProvider(props: { children: JSX.Element }) {
  const [state, setState] = createSignal<SessionState>({ status: "loading" });

  async function refresh() {
    try {
      setState({ status: "signed-in", me: await api.me() });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, "UNKNOWN", String(e));
      setState(err.status === 401 ? { status: "anonymous" } : { status: "error", error: err });
    }
  }
  void refresh();

  const me = () => {
    const s = state();
    return s.status === "signed-in" ? s.me : null;
  };
  const session: Session = {
    state,
    me,
    isAdmin: () => me()?.is_admin === true,
    refresh,
    update: (fn) => {
      const s = state();
      if (s.status === "signed-in") setState({ status: "signed-in", me: fn(s.me) });
    },
  };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

/** A page for signed-in athletes: a spinner while the session loads, `signedOut` for visitors, a retry on errors. */
export function SignedInOnly(props: { signedOut: JSX.Element; children: (me: () => Me) => JSX.Element }) {
  const session = useSession();
  const failure = () => {
    const s = session.state();
    return s.status === "error" ? s.error : null;
  };
  return (
    <Switch>
      <Match when={session.state().status === "loading"}>
        <Spinner />
      </Match>
      <Match when={session.state().status === "anonymous"}>{props.signedOut}</Match>
      <Match when={failure()}>
        {(error) => <ErrorPanel title="Couldn't load your account" error={error()} onRetry={() => void session.refresh()} />}
      </Match>
      <Match when={session.me()}>{(me) => props.children(me)}</Match>
    </Switch>
  );
}
