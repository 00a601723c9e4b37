import { defineConfig } from "vitest/config";

// The production bundle has a single entry, index.html; mock.html (the UI on fake data)
// is served by the dev server and built only by vite.mock.config.ts.
export default defineConfig({
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    // The Tauri shell rebuilds itself on Rust changes; do not reload the UI for those.
    watch: { ignored: ["**/src-tauri/**"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The webviews Tauri 2 runs on: WebView2 (Chromium), WKWebView and WebKitGTK.
    target: ["es2021", "chrome105", "safari15"],
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
