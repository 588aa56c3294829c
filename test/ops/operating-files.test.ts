import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { envSchema, loadConfig } from "../../src/config.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("the files people run racesync with", () => {
  it(".env.example names every variable config.ts reads, and nothing else", () => {
    const named = [...read(".env.example").matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it(".env.example's documented values are all accepted", () => {
    const uncommented = read(".env.example").replace(/^# ?([A-Z][A-Z0-9_]+=)/gm, "$1");
    expect(() => loadConfig(parseEnv(uncommented))).not.toThrow();
  });

  it("docker-compose.yml is valid: Postgres, one web, two workers, the subscription script as a one-off", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "racesync-compose-"));
    try {
      copyFileSync(path.join(ROOT, "docker-compose.yml"), path.join(dir, "docker-compose.yml"));
      writeFileSync(path.join(dir, ".env"), read(".env.example"));
      const config = execFileSync("docker-compose", ["config"], { cwd: dir, encoding: "utf8" });
      const services = execFileSync("docker-compose", ["config", "--services"], { cwd: dir, encoding: "utf8" }).split("\n").filter(Boolean);
      expect(services.sort()).toEqual(["postgres", "subscription", "web", "worker-1", "worker-2"]);
      const subscription = config.slice(config.indexOf("  subscription:"));
      expect(subscription).toMatch(/profiles:\s+- tools/); // not started by `up`: run it with `run --rm`
      expect(subscription).toContain("dist/cli/subscription.js");
      expect(config.match(/- --role\s+- worker/g)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the Dockerfile passes dockerfilelint and its runtime image holds only dist/, production dependencies and migrations", () => {
    const lint = spawnSync(path.join(ROOT, "node_modules/.bin/dockerfilelint"), ["-o", "json", "Dockerfile"], { cwd: ROOT, encoding: "utf8" });
    expect(JSON.parse(lint.stdout)).toMatchObject({ totalIssues: 0 });
    const runtime = read("Dockerfile").split(/^FROM /m).at(-1)!;
    const copied = [...runtime.matchAll(/^COPY .* \/app\/(\S+) /gm)].map((m) => m[1]).sort();
    expect(copied).toEqual(["dist", "drizzle", "node_modules", "package.json"]);
    expect(runtime).toMatch(/^node:24/);
  });

  it("the compiled service needs no development dependency at run time", () => {
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
    const imported = new Set<string>();
    for (const file of readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
      const source = read(path.join("src", file));
      for (const m of source.matchAll(/^import (?!type )[^;]*?from "([^."][^"]*)"/gm)) imported.add(packageOf(m[1]!));
    }
    const external = [...imported].filter((name) => !name.startsWith("node:"));
    expect(external.filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });
});

/** "hono/cors" → "hono", "@hono/node-server/serve-static" → "@hono/node-server". */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}
