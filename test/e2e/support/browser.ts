import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startTestStack, type StackOptions, type TestStack } from "../../support/stack.js";
import { ensureWebBuild } from "./web-build.js";

const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../screenshots");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

export const PHONE = { width: 375, height: 812 };

/** A browser flow drives a whole stack; on a busy 2-core machine it needs more than the default 30 s. */
export const BROWSER_FLOW = { timeout: 90_000 };

/** A page with every console error and uncaught exception it produced. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
}

export interface BrowserStack {
  stack: TestStack;
  browser: Browser;
  /** A fresh browser context (own cookies) with one page on the racesync origin. */
  newPage(opts?: PageOptions): Promise<WatchedPage>;
  stop(): Promise<void>;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Paths whose 401 answers are expected (Chromium logs every failed request as a console error). */
  expected401?: string[];
  /** Where the page's relative URLs go: racesync's own URL unless a proxy stands in front. */
  baseURL?: string;
}

/** The whole system (see test/support/stack.ts) plus a headless Chromium. */
export async function startBrowserStack(opts: StackOptions = {}): Promise<BrowserStack> {
  await ensureWebBuild();
  const stack = await startTestStack(opts);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  return {
    stack,
    browser,
    async newPage(o = {}) {
      const context = await browser.newContext({ baseURL: o.baseURL ?? stack.url, viewport: o.viewport ?? { width: 1280, height: 900 } });
      const page = await context.newPage();
      return { page, context, consoleErrors: watchConsole(page, o.expected401 ?? ["/api/me"]) };
    },
    async stop() {
      await browser.close();
      await stack.stop();
    },
  };
}

/**
 * Collects console errors. A signed-out visitor's GET /api/me answers 401 by design and Chromium
 * logs every failed request as "Failed to load resource": such lines for `expected401` paths are expected.
 */
function watchConsole(page: Page, expected401: string[]): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const isExpected = msg.text().includes("status of 401") && expected401.includes(new URL(msg.location().url || "http://x/").pathname);
    if (!isExpected) errors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
  return errors;
}

/**
 * Signs in through the real OAuth dance: racesync's Connect button → the simulator's authorize
 * (auto-approves as `athleteId`) → racesync's callback, which redirects to "/".
 */
export async function connectThroughStrava(page: Page, stack: TestStack, athleteId: number): Promise<void> {
  stack.sim.oauth.nextAthleteId = athleteId;
  await page.goto("/me");
  await page.click('[data-testid="connect-strava"]');
  await page.waitForURL(`${stack.url}/`);
  await page.waitForSelector('.avatar-link'); // the header shows the signed-in athlete
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}
