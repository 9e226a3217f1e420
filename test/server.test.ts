import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './setup/global-setup';
import { makePdf } from './support/fixtures';
import { upload, waitForStatus } from './support/http';
import { entry, makeEnv } from './support/services';

describe('embedded launcher (npm start)', () => {
  const env = makeEnv();
  const SERVER = entry('apps/server/src/main.js');
  afterAll(() => env.cleanup());

  it('without REDIS_URL: starts a private redis, the API and a worker; prints a dev key once; stops on SIGTERM', async () => {
    const port = await freePort();
    const vars = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: env.dataDir,
      PORT: String(port),
    };
    const proc = spawn(process.execPath, [SERVER], { env: vars, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    const deadline = Date.now() + 90_000;
    while (!out.includes('Elegans is ready') && Date.now() < deadline && proc.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      expect(out).toContain('Elegans is ready');
      const keyFile = join(env.dataDir, 'dev-api-key');
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(out).toContain(key); // printed on the first start
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const redisPort = /"redis":"redis:\/\/127\.0\.0\.1:(\d+)"/.exec(out)?.[1];
      expect(redisPort).toBeDefined();
      expect(statSync(join(env.dataDir, 'redis')).isDirectory()).toBe(true);

      const base = `http://127.0.0.1:${port}`;
      const up = await upload(base, key, await makePdf(3, 4, 'launcher'));
      expect(up.status).toBe(202);
      const doc = await waitForStatus(base, key, up.body.id as string, (d) => d.status === 'ready');
      expect(doc.pages).toBe(3);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Children and the private redis went down with it.
    const ps = spawnSync('ps', ['-eo', 'pid,ppid,args'], { encoding: 'utf8' }).stdout;
    expect(ps).not.toContain(`--dir ${join(env.dataDir, 'redis')}`);
    expect(ps.split('\n').filter((l) => l.includes(` ${proc.pid} `))).toEqual([]);
  });

  it('without redis-server on PATH: stops with a one-line install instruction', () => {
    // A PATH holding node and nothing else.
    const bin = mkdtempSync(join(tmpdir(), 'elegans-nopath-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = spawnSync(process.execPath, [SERVER], {
      env: { PATH: bin, DATA_DIR: env.dataDir, PORT: '0' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/redis-server.*apt-get install redis-server/);
  });
});
