import { subscriptionMain } from "../src/subscription/main.js";

const code = await subscriptionMain(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`));
process.exit(code);
