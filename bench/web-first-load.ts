/**
 * The web app's first load: bytes (raw and gzip) of what index.html loads before the first render
 * (its entry script, the modules it preloads, its stylesheets; pdf.js and its worker are lazy and
 * counted apart), and the time to first render (first contentful paint of the sign-in screen) over
 * N fresh loads in headless Chromium from a local static server. With `--baseline DIR` a second
 * build is measured in the same run, loads interleaved, and the ratios are printed.
 *
 *   npm run build:web
 *   npx tsx bench/web-first-load.ts [--dir dist/web] [--baseline /tmp/web-base] [--loads 15] [--json]
 *
 * A baseline from an earlier commit: `git archive <ref> apps/web | tar -x -C /tmp/base`, link
 * /tmp/base/node_modules to this checkout's, then
 * `WEB_OUT_DIR=/tmp/web-base npx vite build --config /tmp/base/apps/web/vite.config.mts`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
};

interface Bytes {
  files: { path: string; raw: number; gzip: number }[];
  raw: number;
  gzip: number;
  /** Lazy chunks (pdf.js, its worker): loaded only when a PDF is opened. */
  lazyGzip: number;
}

/** What index.html makes the browser fetch before it can render (scripts, preloads, stylesheets). */
function firstLoadBytes(dir: string): Bytes {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const refs = new Set<string>(['/index.html']);
  for (const m of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="(\/assets\/[^"]+)"/g)) refs.add(m[1]!);
  const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;
  const files = [...refs].map((path) => {
    const b = readFileSync(join(dir, path));
    return { path, raw: b.length, gzip: gz(b) };
  });
  const lazyGzip = readdirSync(join(dir, 'assets'))
    .filter((f) => !refs.has(`/assets/${f}`) && /\.(m?js|css)$/.test(f))
    .reduce((n, f) => n + gz(readFileSync(join(dir, 'assets', f))), 0);
  return {
    files,
    raw: files.reduce((n, f) => n + f.raw, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
    lazyGzip,
  };
}

function serve(dir: string): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: 'dist/web' },
      baseline: { type: 'string' },
      loads: { type: 'string', default: '15' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!CHROMIUM) throw new Error('needs Debian chromium (/usr/bin/chromium)');
  const builds = [{ name: 'current', dir: values.dir! }];
  if (values.baseline) builds.push({ name: 'baseline', dir: values.baseline });
  const loads = Number(values.loads);
  const servers = await Promise.all(builds.map((b) => serve(b.dir)));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const fcp: number[][] = builds.map(() => []);
  try {
    // One warm-up each (disk cache of the OS, Chromium's first start), then interleaved loads.
    for (let i = -1; i < loads; i++) {
      for (let b = 0; b < builds.length; b++) {
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await ctx.newPage();
        const url = `http://127.0.0.1:${(servers[b]!.address() as AddressInfo).port}/`;
        await page.goto(url, { waitUntil: 'load' });
        await page.getByLabel('API key').waitFor();
        const t = await page.evaluate<number>(
          `new Promise((ok) => {
            const e = performance.getEntriesByName('first-contentful-paint')[0];
            if (e) return ok(e.startTime);
            new PerformanceObserver((l) => ok(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
          })`,
        );
        if (i >= 0) fcp[b]!.push(t);
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) s.close();
  }
  const results = builds.map((b, i) => {
    const bytes = firstLoadBytes(b.dir);
    return {
      build: b.name,
      dir: b.dir,
      firstLoadGzipKB: Number((bytes.gzip / 1024).toFixed(1)),
      firstLoadRawKB: Number((bytes.raw / 1024).toFixed(1)),
      lazyGzipKB: Number((bytes.lazyGzip / 1024).toFixed(1)),
      files: bytes.files,
      fcpMedianMs: Number(median(fcp[i]!).toFixed(1)),
      fcpMinMs: Number(Math.min(...fcp[i]!).toFixed(1)),
      fcpMaxMs: Number(Math.max(...fcp[i]!).toFixed(1)),
      loads: fcp[i]!.length,
    };
  });
  const out: Record<string, unknown> = { results };
  if (results.length === 2) {
    const [c, base] = results as [(typeof results)[number], (typeof results)[number]];
    out.ratios = {
      firstLoadGzip: Number((c.firstLoadGzipKB / base.firstLoadGzipKB).toFixed(3)),
      fcpMedian: Number((c.fcpMedianMs / base.fcpMedianMs).toFixed(3)),
    };
  }
  process.stdout.write(`${JSON.stringify(out, null, values.json ? 0 : 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
