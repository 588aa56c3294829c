import { callbackUrlOf, webhookSecret } from "../../src/webhooks/credentials.js";
import type { VerbDb } from "./context.js";

/** racesync's webhook callback at `base` (a server's URL, or "" for app.request): the secret path stored in `db`. */
export async function webhookUrl(db: VerbDb, base = ""): Promise<string> {
  return callbackUrlOf(base, await webhookSecret(db));
}
