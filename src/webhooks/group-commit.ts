export interface GroupCommitOptions {
  /** Most items written by one transaction. */
  maxBatch: number;
  /** Most transactions in flight at once; further items wait and go together in the next one. */
  maxInFlight: number;
  /** Most items waiting for a transaction; a submit beyond it is refused at once (`queue_full`). */
  maxQueued: number;
  /**
   * How long a batch may wait for company when the writer is idle (ms). Clients answered by one
   * commit come back within a millisecond or two; without this pause the first of them would go
   * alone and everyone else would wait behind that one-item commit.
   */
  lingerMs?: number;
  /** A submit not written within this many ms is refused (`timed_out`); if still queued it is never written. */
  deadlineMs?: number;
  /** Whether a failed batch is retried item by item (a poison item), or fails as a whole (the database is down). */
  isolate?: (err: unknown) => boolean;
}

/** A submit refused without being written: the queue was full, or its deadline passed first. */
export class GroupCommitRefusal extends Error {
  constructor(readonly reason: "queue_full" | "timed_out") {
    super(reason === "queue_full" ? "too many items are waiting to be written" : "the item was not written in time");
  }
}

interface Waiting<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
  expired: boolean;
}

/**
 * Group commit: items submitted while a transaction is in flight are queued and written together
 * by the next one, so N concurrent requests cost about one commit (and one NOTIFY lock) instead of
 * N. Every submitter still waits for the commit that holds its own item.
 */
export class GroupCommit<I, O> {
  private queue: Array<Waiting<I, O>> = [];
  private lingering?: NodeJS.Timeout;
  private inFlight = 0;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly opts: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.opts.maxQueued) return Promise.reject(new GroupCommitRefusal("queue_full"));
    return new Promise<O>((resolve, reject) => {
      const timer = this.opts.deadlineMs === undefined ? undefined : setTimeout(() => this.expire(waiting), this.opts.deadlineMs);
      const settled = () => clearTimeout(timer);
      const waiting: Waiting<I, O> = {
        item,
        resolve: (out) => (settled(), resolve(out)),
        reject: (err) => (settled(), reject(err)),
        expired: false,
      };
      this.queue.push(waiting);
      this.pump();
    });
  }

  /** The submitter is answered now; an item still queued is taken out, so it is never written. */
  private expire(waiting: Waiting<I, O>): void {
    waiting.expired = true;
    const at = this.queue.indexOf(waiting);
    if (at >= 0) this.queue.splice(at, 1);
    waiting.reject(new GroupCommitRefusal("timed_out"));
  }

  private pump(): void {
    const linger = this.opts.lingerMs ?? 0;
    if (this.queue.length === 0) return;
    if (linger > 0 && this.queue.length < this.opts.maxBatch && this.inFlight < this.opts.maxInFlight) {
      this.lingering ??= setTimeout(() => {
        this.lingering = undefined;
        this.flush();
      }, linger);
      return;
    }
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async writeBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const outs = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(outs[i]!));
    } catch (err) {
      if (batch.length === 1 || !this.opts.isolate?.(err)) return batch.forEach((w) => w.reject(err));
      // One bad item must not fail its neighbours: write each alone (side by side, so it stays
      // quick), and only the bad one fails. Items already answered with a timeout are dropped.
      const live = batch.filter((w) => !w.expired);
      await Promise.all(live.map((w) => this.write([w.item]).then(([out]) => w.resolve(out!), (itemErr: unknown) => w.reject(itemErr))));
    }
  }
}
