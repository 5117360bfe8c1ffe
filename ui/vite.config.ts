import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// The app is served from tauri://localhost out of ui/dist; nothing is loaded from elsewhere.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test/setup.ts"],
    // The stylesheet is read as text by the contrast test (otherwise vitest empties CSS).
    css: { include: [/app\.css/] },
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
});
