/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";

import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * The build ships the persisted-documents manifest (written by codegen in src/gql/) beside the
 * app: the API serving dist/ trusts exactly the documents of the app it serves
 * (app/graphql/engine/persisted.py). Nothing secret: the same texts are in the bundle.
 */
function persistedDocumentsManifest(): Plugin {
  return {
    name: "envelopes-persisted-documents",
    apply: "build",
    generateBundle() {
      const source = readFileSync(new URL("src/gql/persisted-documents.json", import.meta.url), "utf8");
      this.emitFile({ type: "asset", fileName: "persisted-documents.json", source });
    },
  };
}

// The API serves dist/ at "/" (index.html for client routes); `npm run dev` proxies /graphql.
export default defineConfig({
  plugins: [react(), persistedDocumentsManifest()],
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
