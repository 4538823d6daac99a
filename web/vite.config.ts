/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API serves dist/ at "/" (index.html for client routes); `npm run dev` proxies /graphql.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `ENVELOPES_API=http://127.0.0.1:8011 npm run dev` to work against another API.
    // The dev server sends the API's paths on: GraphQL, file downloads, uploads.
    // /graphql also carries the subscriptions' WebSocket (`ws: true`).
    proxy: Object.fromEntries(
      ["/graphql", "/exports", "/backups", "/uploads"].map((path) => [
        path,
        { target: process.env["ENVELOPES_API"] ?? "http://127.0.0.1:8000", ws: path === "/graphql" },
      ]),
    ),
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
