import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

const backend = process.env.CANDIDATEX_API ?? "http://127.0.0.1:8000";
const apiPrefixes = [
  "/auth", "/users", "/interview", "/live-interview", "/resume", "/jobs",
  "/admin", "/health", "/applications", "/matching", "/schema",
];

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    // A regex key so that, say, /administration would not be sent to the API's /admin.
    proxy: {
      [`^/(${apiPrefixes.map((prefix) => prefix.slice(1)).join("|")})(/|$|\\?)`]: {
        target: backend,
        changeOrigin: true,
        ws: true,
      },
    },
  },
  // manifest: the entry's files, which a test holds under the first-screen budget (tests/e2e/test_accessibility.py)
  build: { outDir: "dist", sourcemap: false, manifest: true, chunkSizeWarningLimit: 400 },
});
