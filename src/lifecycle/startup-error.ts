/** A start-up failure the operator can fix: its message is one line naming the cause and the fix. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** EADDRINUSE / EACCES from listen(), said in one line that names the port and what moves it. */
export function listenError(err: unknown, port: string, fix: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new StartupError(`${port} is already in use: stop what is using it, or ${fix}`);
  if (code === "EACCES") return new StartupError(`${port} needs privileges racesync does not have: ${fix}`);
  return err;
}
