// Entry point. Stops are handled from the first line, before the rest of racesync loads (which takes
// seconds under tsx): a SIGTERM or Ctrl-C at any moment ends cleanly.
import { Lifecycle } from "./lifecycle/lifecycle.js";
import { stopOnCrash, stopOnSignals } from "./lifecycle/triggers.js";

const lifecycle = new Lifecycle();
stopOnSignals(lifecycle);
stopOnCrash(lifecycle);
try {
  const { run } = await import("./run.js");
  await run(lifecycle);
} catch (err) {
  lifecycle.failedToStart(err);
}
