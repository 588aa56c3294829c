import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// `npm run test:chaos`: the fault-injection runs, kept out of `npm test` until they pass on CI.
export default defineConfig({ ...base, test: { ...base.test, include: ["test/**/*.chaos.ts"] } });
