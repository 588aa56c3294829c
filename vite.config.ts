import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

const backend = process.env.RACESYNC_BACKEND_URL ?? "http://localhost:3000";
const proxied = ["/api", "/auth", "/webhooks", "/healthz"];

/** Writes a .br and a .gz beside every text asset, so the server sends them without compressing per request. */
function precompress(): Plugin {
  const brotli = promisify(brotliCompress);
  const gz = promisify(gzip);
  let outDir = "";
  return {
    name: "racesync-precompress",
    apply: "build",
    configResolved: (config) => void (outDir = path.resolve(config.root, config.build.outDir)),
    async closeBundle() {
      const files = (await readdir(outDir, { recursive: true })).filter((f) => /\.(js|css|html|svg|json)$/.test(f));
      for (const file of files) {
        const body = await readFile(path.join(outDir, file));
        await writeFile(path.join(outDir, `${file}.br`), await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        await writeFile(path.join(outDir, `${file}.gz`), await gz(body, { level: 9 }));
      }
    },
  };
}

// The SPA lives in web/ and is built into dist/web, which the backend serves with an SPA fallback.
export default defineConfig({
  root: "web",
  plugins: [solid(), precompress()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: backend, changeOrigin: false }])),
  },
});
