import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/web");
const API_PREFIXES = ["/api/", "/auth/", "/webhooks/", "/metrics", "/healthz", "/readyz"];

/** Tells the dashboard it runs against the built-in simulator, so it can say so. */
const DEMO_MARKER = '<meta name="racesync-mode" content="demo" />';

/** Serves the built dashboard, with index.html for client-side routes such as /admin. */
export function staticWeb(opts: { demo: boolean }): Hono {
  const app = new Hono();
  const indexFile = path.join(WEB_ROOT, "index.html");
  const isApi = (p: string) => API_PREFIXES.some((prefix) => p.startsWith(prefix));
  if (existsSync(WEB_ROOT)) {
    const files = serveStatic({ root: path.relative(process.cwd(), WEB_ROOT) });
    // index.html itself goes through the route below, which marks demo mode in it.
    const isPage = (p: string) => p === "/" || p.endsWith(".html");
    app.use("*", async (c, next) => (isApi(c.req.path) || isPage(c.req.path) ? next() : files(c, next)));
  }
  app.get("*", async (c, next) => {
    if (isApi(c.req.path)) return next();
    if (!existsSync(indexFile)) return c.text("The dashboard is not built yet: run `npm run build`.", 503);
    const html = readFileSync(indexFile, "utf8");
    return c.html(opts.demo ? html.replace("</head>", `${DEMO_MARKER}</head>`) : html);
  });
  return app;
}
