import { afterEach, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const preflight = (url: string, origin: string) =>
  fetch(`${url}/api/races`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET" } });

describe("CORS", () => {
  it("sends no CORS headers when CORS_ORIGINS is unset", async () => {
    stack = await startTestStack({ role: "web", subscribe: false });
    const res = await fetch(`${stack.url}/api/races`, { headers: { origin: "https://elsewhere.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows only the configured origins, with credentials", async () => {
    stack = await startTestStack({ role: "web", subscribe: false, env: { CORS_ORIGINS: "https://club.example, https://admin.example" } });
    const allowed = await preflight(stack.url, "https://admin.example");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://admin.example");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const refused = await preflight(stack.url, "https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
