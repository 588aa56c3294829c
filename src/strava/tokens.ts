import type { AppContext } from "../context.js";

export async function getAccessToken(ctx: Pick<AppContext, "config" | "sql" | "log">, athleteId: number): Promise<string> {
  void ctx;
  void athleteId;
  throw new Error("not implemented yet");
}
