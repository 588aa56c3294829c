import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";

const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/web");
const API_PREFIXES = ["/api/", "/auth/", "/webhooks/", "/metrics", "/healthz", "/readyz"];

/** Tells the dashboard it runs against the built-in simulator, so it can say so. */
const DEMO_MARKER = '<meta name="racesync-mode" content="demo" />';

/** Vite names every built asset by its content hash: such a URL never changes meaning. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Serves the built dashboard: hashed assets cached for a year and sent compressed ahead of time
 * (brotli or gzip, see vite.config.ts); index.html, held in memory, for every client-side route
 * (such as /admin) and revalidated on each visit, so a new deployment is picked up at once.
 */
export function staticWeb(opts: { demo: boolean }): Hono {
  const app = new Hono();
  const isApi = (p: string) => API_PREFIXES.some((prefix) => p.startsWith(prefix));
  const index = indexPage(opts.demo);
  if (existsSync(WEB_ROOT)) {
    const files = serveStatic({ root: path.relative(process.cwd(), WEB_ROOT), precompressed: true });
    // index.html itself goes through the route below, which marks demo mode in it.
    const isPage = (p: string) => p === "/" || p.endsWith(".html");
    app.use("*", async (c, next) => {
      if (isApi(c.req.path) || isPage(c.req.path)) return next();
      const found = await files(c, next); // the file, or (not found) what the routes after it answered
      if (!(found instanceof Response)) return;
      found.headers.set("Cache-Control", c.req.path.startsWith("/assets/") ? IMMUTABLE : "no-cache");
      return found;
    });
  }
  app.get("*", async (c, next) => {
    if (isApi(c.req.path)) return next();
    const html = index();
    if (html === undefined) return c.text("The dashboard is not built yet: run `npm run build`.", 503);
    return page(c, html);
  });
  return app;
}

/** index.html as served, read once it exists (a first start builds the dashboard before serving). */
function indexPage(demo: boolean): () => string | undefined {
  let html: string | undefined;
  return () => {
    const file = path.join(WEB_ROOT, "index.html");
    if (html === undefined && existsSync(file)) {
      const built = readFileSync(file, "utf8");
      html = demo ? built.replace("</head>", `${DEMO_MARKER}</head>`) : built;
    }
    return html;
  };
}

function page(c: Context, html: string): Response {
  c.header("Cache-Control", "no-cache");
  return c.html(html);
}
