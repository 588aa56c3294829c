/**
 * Releases what a benchmark started (service processes, the simulator, the embedded Postgres) on
 * every way out: the end of main, an error, Ctrl-C or SIGTERM. Newest first, each once.
 */
type Release = () => Promise<unknown>;

const releases: Release[] = [];
let stopping: Promise<void> | null = null;

export function onCleanup(release: Release): void {
  releases.push(release);
}

/** Marks a scope: the returned function releases, newest first, whatever was registered since. */
export function cleanupScope(): () => Promise<void> {
  const mark = releases.length;
  return async () => {
    while (releases.length > mark) await releaseNewest();
  };
}

const releaseNewest = () => releases.pop()!().catch((err: unknown) => console.error("cleanup:", err));

export function cleanupAll(): Promise<void> {
  stopping ??= (async () => {
    while (releases.length > 0) await releaseNewest();
  })();
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the benchmark's processes…`);
    void cleanupAll().then(() => process.exit(130));
  });
}

/** Runs a benchmark's main, cleans up after it whatever happens, and exits (a stray handle cannot hold it). */
export async function runBench(main: () => Promise<void>): Promise<never> {
  let code = 0;
  try {
    await main();
  } catch (err) {
    console.error(err);
    code = 1;
  }
  await cleanupAll();
  process.exit(code);
}
