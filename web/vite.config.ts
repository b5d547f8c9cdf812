import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// One multi-page build: the public site at /, the Mini App at /app/, the organizer panel at /panel/. `onton serve`
// serves dist/ (ONTON_WEB_DIR) and answers each app's client routes with its index.html.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": resolve(import.meta.dirname, "src") } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      input: {
        site: resolve(import.meta.dirname, "index.html"),
        app: resolve(import.meta.dirname, "app/index.html"),
        panel: resolve(import.meta.dirname, "panel/index.html"),
      },
    },
  },
  server: { proxy: { "/api": { target: "http://127.0.0.1:8080", ws: true }, "/media": "http://127.0.0.1:8080" } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
