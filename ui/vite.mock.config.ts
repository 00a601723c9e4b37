import { defineConfig } from "vite";

// Builds mock.html (the UI driven by @tauri-apps/api/mocks and fake data) into
// dist-mock/ and previews it under the same CSP the shell enforces, so a look at the
// mock in a plain browser also proves the UI needs no inline script or style.
// Same as src-tauri/tauri.conf.json (app.security.csp).
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src ipc: http://ipc.localhost; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

export default defineConfig({
  clearScreen: false,
  build: {
    outDir: "dist-mock",
    emptyOutDir: true,
    target: ["es2021", "chrome105", "safari15"],
    // Relative to the ui/ directory, where npm runs the scripts.
    rolldownOptions: { input: { mock: "mock.html" } },
  },
  preview: {
    port: 1421,
    strictPort: true,
    headers: { "Content-Security-Policy": CSP },
  },
});
