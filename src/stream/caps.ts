import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { AppError } from "../http/errors.js";

export interface StreamCaps {
  /** Open streams one session (cookie, or the admin bearer token) may hold in this process. */
  perSession: number;
  /** Open streams one client address may hold in this process. */
  perIp: number;
  /** The name of the session cookie (it depends on PUBLIC_URL's scheme). */
  sessionCookie: string;
}

/** Counts the open streams of each session and address; `take` refuses one above a cap. */
export interface StreamSlots {
  /** Takes a slot for the request's session and address; throws TOO_MANY_STREAMS (429) beyond a cap. Returns the release. */
  take(c: Context): () => void;
}

export function streamSlots(caps: StreamCaps): StreamSlots {
  const open = new Map<string, number>();
  const count = (key: string) => open.get(key) ?? 0;
  const add = (key: string, delta: number) => {
    const n = count(key) + delta;
    if (n > 0) open.set(key, n);
    else open.delete(key);
  };

  return {
    take(c) {
      const keys = [`ip:${remoteAddress(c)}`];
      const session = sessionKey(c, caps.sessionCookie);
      if (session && count(session) >= caps.perSession) throw tooMany(`this session already has ${caps.perSession} open streams (SSE_MAX_STREAMS_PER_SESSION): close a tab first`);
      if (count(keys[0]!) >= caps.perIp) throw tooMany(`this address already has ${caps.perIp} open streams (SSE_MAX_STREAMS_PER_IP)`);
      if (session) keys.push(session);
      keys.forEach((key) => add(key, 1));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        keys.forEach((key) => add(key, -1));
      };
    },
  };
}

const tooMany = (message: string) => new AppError("TOO_MANY_STREAMS", message);

/** The session cookie, else the Authorization header (the admin token); anonymous viewers have none. */
function sessionKey(c: Context, sessionCookie: string): string | undefined {
  const cookie = getCookie(c, sessionCookie);
  if (cookie) return `session:${cookie}`;
  const authorization = c.req.header("authorization");
  return authorization ? `bearer:${authorization}` : undefined;
}

/**
 * The peer's address on the socket (Node's server passes it as `c.env.incoming`). Behind a reverse
 * proxy every client shares the proxy's address, hence SSE_MAX_STREAMS_PER_IP is configurable.
 */
export function remoteAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
