import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBaseApp } from "../../src/app.js";
import { addJob } from "../../src/db/jobs.js";
import { createLog } from "../../src/log.js";
import { startWorker } from "../../src/worker.js";
import { waitFor } from "../support/wait.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("logs", () => {
  let db: TestDatabase;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.destroy());

  function appLogging() {
    const log = createLog("info", { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const app = createBaseApp({ ...db.context().ctx, log });
    app.get("/api/things/:id", (c) => c.json({ id: c.req.param("id") }));
    app.get("/api/broken", () => {
      throw new Error("the disk is on fire");
    });
    app.get("/api/db-down", () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    });
    return app;
  }

  it("writes one access-log line per request: method, route pattern, status, duration, request id", async () => {
    lines.length = 0;
    const res = await appLogging().request("/api/things/12345");
    const [line] = lines.filter((l) => l.msg === "request");
    expect(line).toMatchObject({ method: "GET", route: "/api/things/:id", status: 200, requestId: res.headers.get("x-request-id") });
    expect(line!.ms).toEqual(expect.any(Number));
    expect(JSON.stringify(line)).not.toContain("12345");
  });

  it("writes JSON with ISO times and level names, and errors with their stacks", async () => {
    lines.length = 0;
    const res = await appLogging().request("/api/broken");
    expect(res.status).toBe(500);
    const error = lines.find((l) => l.msg === "unhandled error")!;
    expect(error.level).toBe("error");
    expect(new Date(error.time as string).toISOString()).toBe(error.time);
    expect((error.err as { stack: string }).stack).toContain("the disk is on fire");
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ route: "/api/broken", status: 500 });
  });

  it("keeps the stack and code of an error it answers with 503 (database unavailable)", async () => {
    lines.length = 0;
    const res = await appLogging().request("/api/db-down");
    expect(res.status).toBe(503);
    const warning = lines.find((l) => l.msg === "database unavailable")!;
    expect(warning.level).toBe("warn");
    expect(warning.err).toMatchObject({ type: "Error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" });
    expect((warning.err as { stack: string }).stack).toContain("test/ops/logs.test.ts");
  });

  it("logs a failed job's error with its type and stack", async () => {
    lines.length = 0;
    const log = createLog("info", { destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const { ctx } = db.context({ log });
    const runner = await startWorker(ctx, { databaseUrl: db.url, concurrency: 1, pollInterval: 100 });
    try {
      await addJob(ctx.db, "activity-sync", { not: "a payload" }, { maxAttempts: 1 });
      const failed = await waitFor(() => lines.find((l) => l.level === "error" && String(l.msg).startsWith("Failed task")), "the failed job's log line");
      expect(failed.err).toMatchObject({ type: "ZodError", stack: expect.stringContaining("ZodError") });
    } finally {
      await runner.stop();
    }
  });
});
