import { cpSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const pdfjsDir = join(root, 'node_modules', 'pdfjs-dist');

/**
 * pdf.js fetches the 14 standard fonts (PDFs may use Helvetica & co. without embedding them) and
 * the CMaps of CJK text from URLs: ship both beside the app so nothing comes from a CDN.
 */
function pdfjsAssets(): Plugin {
  let outDir = '';
  return {
    name: 'elegans-pdfjs-assets',
    apply: 'build',
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    writeBundle() {
      for (const d of ['standard_fonts', 'cmaps'])
        cpSync(join(pdfjsDir, d), join(outDir, 'pdfjs', d), { recursive: true });
    },
  };
}

// Output: dist/web (served by the API at `/`); `WEB_OUT_DIR` builds elsewhere (the browser tests
// build into their private copy of dist/).
export default defineConfig({
  root: here,
  base: '/',
  plugins: [pdfjsAssets()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: process.env.WEB_OUT_DIR ?? join(root, 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
