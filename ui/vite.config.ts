import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Tauri serves the built files; `tauri dev` loads the dev server on a fixed port.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    watch: { ignored: ["**/src-rust/**"] },
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    // WebKitGTK 2.50 on Linux, Safari 16+ on macOS.
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // A desktop app loads one local bundle; splitting it buys nothing.
    chunkSizeWarningLimit: 2000,
  },
});
