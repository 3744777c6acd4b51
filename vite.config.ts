import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  build: { outDir: '../dist-web', emptyOutDir: true, target: 'es2022' },
  // The page exports (web/src/download.ts) write CSV with the modules the CLI uses; csv-stringify's
  // Node build calls Buffer, its browser build (same API) does not.
  resolve: { alias: { 'csv-stringify/sync': 'csv-stringify/browser/esm/sync' } },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
