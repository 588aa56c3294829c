import { describe, expect, it } from "vitest";
import { GroupCommit, GroupCommitRefusal, type GroupCommitOptions } from "../../src/webhooks/group-commit.js";

/** A writer that records every batch it is given and fails any batch holding a "poison" item. */
function recordingWriter() {
  const batches: string[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  return {
    batches,
    /** Holds every write until release() (the database is slow). */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release?.(),
    async write(items: string[]): Promise<string[]> {
      batches.push(items);
      await gate;
      if (items.includes("poison")) throw new Error("jsonb refused the batch");
      return items.map((i) => `stored ${i}`);
    },
  };
}

const options = (over: Partial<GroupCommitOptions> = {}): GroupCommitOptions => ({ maxBatch: 50, maxInFlight: 1, maxQueued: 100, lingerMs: 5, ...over });

describe("group commit", () => {
  it("writes concurrent items in one batch", async () => {
    const writer = recordingWriter();
    const batcher = new GroupCommit(writer.write, options());
    const outs = await Promise.all(["a", "b", "c"].map((i) => batcher.submit(i)));
    expect(outs).toEqual(["stored a", "stored b", "stored c"]);
    expect(writer.batches).toEqual([["a", "b", "c"]]);
  });

  it("retries a failed batch item by item, so only the poison item fails", async () => {
    const writer = recordingWriter();
    const batcher = new GroupCommit(writer.write, options({ isolate: () => true }));
    const results = await Promise.allSettled(["a", "poison", "b"].map((i) => batcher.submit(i)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(writer.batches).toEqual([["a", "poison", "b"], ["a"], ["poison"], ["b"]]);
  });

  it("fails the whole batch at once when the failure is not an item's (the database is down)", async () => {
    const writer = recordingWriter();
    const batcher = new GroupCommit(writer.write, options({ isolate: () => false }));
    const results = await Promise.allSettled(["a", "poison", "b"].map((i) => batcher.submit(i)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(writer.batches).toHaveLength(1);
  });

  it("refuses at once when the queue is full", async () => {
    const writer = recordingWriter();
    writer.hold();
    const batcher = new GroupCommit(writer.write, options({ maxQueued: 2, lingerMs: 0 }));
    const inFlight = batcher.submit("a");
    const queued = [batcher.submit("b"), batcher.submit("c")];
    await expect(batcher.submit("d")).rejects.toEqual(new GroupCommitRefusal("queue_full"));
    writer.release();
    expect(await Promise.all([inFlight, ...queued])).toEqual(["stored a", "stored b", "stored c"]);
  });

  it("answers an item past its deadline and never writes it if it was still queued", async () => {
    const writer = recordingWriter();
    writer.hold();
    const batcher = new GroupCommit(writer.write, options({ deadlineMs: 50, lingerMs: 0 }));
    const inFlight = batcher.submit("a");
    const queued = batcher.submit("late");
    // Both are answered; the in-flight one's write goes on regardless.
    const answers = await Promise.allSettled([inFlight, queued]);
    expect(answers).toEqual([{ status: "rejected", reason: new GroupCommitRefusal("timed_out") }, { status: "rejected", reason: new GroupCommitRefusal("timed_out") }]);
    writer.release();
    await expect(batcher.submit("next")).resolves.toBe("stored next");
    expect(writer.batches.flat()).toEqual(["a", "next"]);
  });
});
