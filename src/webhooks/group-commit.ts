interface Waiting<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  /** Most items written by one transaction. */
  maxBatch: number;
  /** Most transactions in flight at once; further items wait and go together in the next one. */
  maxInFlight: number;
  /**
   * How long a batch may wait for company when the writer is idle (ms). Clients answered by one
   * commit come back within a millisecond or two; without this pause the first of them would go
   * alone and everyone else would wait behind that one-item commit.
   */
  lingerMs?: number;
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
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
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
      this.write(batch.map((w) => w.item))
        .then(
          (outs) => batch.forEach((w, i) => w.resolve(outs[i]!)),
          (err) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
