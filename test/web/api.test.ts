import { describe, expect, it } from "vitest";
import { routeUrl } from "../../web/src/api.js";

describe("the dashboard's typed client", () => {
  it("fills a route's path parameters and leaves out empty query values", () => {
    expect(routeUrl("/api/races/:stravaActivityId", { params: { stravaActivityId: 42 } })).toBe("/api/races/42");
    expect(routeUrl("/api/admin/athletes/:stravaId/sync", { params: { stravaId: 7 } })).toBe("/api/admin/athletes/7/sync");
    expect(routeUrl("/api/races", { query: { athlete_id: 5, from: "2026-01-01", to: "", cursor: undefined, limit: 50 } })).toBe(
      "/api/races?athlete_id=5&from=2026-01-01&limit=50",
    );
    expect(routeUrl("/api/me")).toBe("/api/me");
  });
});
