// Builds the dashboard once before `npm start` when dist/web is missing (a fresh clone).
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";

if (!existsSync("dist/web/index.html") && existsSync("node_modules/.bin/vite")) {
  console.log("racesync: building the dashboard (first start only)…");
  execSync("node_modules/.bin/vite build --logLevel warn", { stdio: "inherit" });
}
