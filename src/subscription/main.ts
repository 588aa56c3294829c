import type { Env } from "../config.js";
import { CallbackSecretUnavailable } from "./callback.js";
import { createSubscription } from "./create.js";
import { subscriptionEnv } from "./env.js";
import { COMMAND, say, type Print } from "./output.js";
import { StravaRefusal } from "./strava-api.js";
import { deleteSubscription, viewSubscription } from "./view-delete.js";

const USAGE = `usage: ${COMMAND} create [--new-secret] | view | delete [id]`;

/** The `npm run subscription` command: returns the exit code, prints through `print`. */
export async function subscriptionMain(args: string[], env: Env, print: Print): Promise<number> {
  const s = say(print);
  const parsed = parseArgs(args);
  if (!parsed) {
    print(USAGE);
    return 2;
  }
  const { command, idArg, newSecret } = parsed;
  const config = subscriptionEnv(env);
  if ("error" in config) {
    s.fail(`${config.error}: set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (strava.com/settings/api).`);
    return 1;
  }
  const id = idArg === undefined ? undefined : Number(idArg);
  if (id !== undefined && !Number.isSafeInteger(id)) {
    s.fail(`"${idArg}" is not a subscription id.`);
    return 2;
  }
  try {
    if (command === "create") return await createSubscription(config, s, { newSecret });
    if (command === "view") return await viewSubscription(config, s);
    return await deleteSubscription(config, s, id);
  } catch (err) {
    if (err instanceof CallbackSecretUnavailable) s.fail(err.message);
    else if (err instanceof StravaRefusal && err.status === 401) s.fail("Strava refused STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET.");
    else s.fail(`Could not talk to Strava at ${config.apiUrl}: ${(err as Error).message}`);
    return 1;
  }
}

function parseArgs(args: string[]): { command: string; idArg?: string; newSecret: boolean } | null {
  const flags = args.filter((a) => a.startsWith("--"));
  const [command, idArg, extra] = args.filter((a) => !a.startsWith("--"));
  const newSecret = flags.includes("--new-secret");
  if (!command || !["create", "view", "delete"].includes(command) || extra !== undefined) return null;
  if (flags.some((f) => f !== "--new-secret") || (newSecret && command !== "create")) return null;
  return { command, idArg, newSecret };
}
