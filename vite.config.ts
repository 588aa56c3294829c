import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const backend = process.env.RACESYNC_BACKEND_URL ?? "http://localhost:3000";
const proxied = ["/api", "/auth", "/webhooks", "/healthz"];

// The SPA lives in web/ and is built into dist/web, which the backend serves with an SPA fallback.
export default defineConfig({
  root: "web",
  plugins: [solid()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: backend, changeOrigin: false }])),
  },
});
