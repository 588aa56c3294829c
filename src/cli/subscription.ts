// `npm run subscription -- create|view|delete` (in the image: `node dist/cli/subscription.js …`).
import { readEnvironment } from "../config.js";
import { subscriptionMain } from "../subscription/main.js";

const code = await subscriptionMain(process.argv.slice(2), readEnvironment(), (line) => process.stdout.write(`${line}\n`));
process.exit(code);
