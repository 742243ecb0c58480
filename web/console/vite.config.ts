import { defineConfig } from "vite";

/**
 * The owner's console, built into web/console/dist/ and served by the server
 * at /console (src/server/console/console-plugin.ts). JSX goes through Vite's
 * own transform (React's automatic runtime): no plugin needed for a build.
 */
export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One folder of hashed names: the only files the server will hand out (`/console/assets/:file`).
    assetsDir: "assets",
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
