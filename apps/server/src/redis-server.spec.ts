import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_INSTALL_HINT, startPrivateRedis } from './redis-server';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'elegans-redis-spec-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function roundTrip(url: string): Promise<string | null> {
  const client = new IORedis(url, { maxRetriesPerRequest: 1 });
  try {
    await client.set('k', 'v');
    return await client.get('k');
  } finally {
    client.disconnect();
  }
}

describe('startPrivateRedis', () => {
  it('persists to DATA_DIR/redis by default, and keeps nothing with persist: false', async () => {
    const kept = tempDir();
    const redis = await startPrivateRedis(kept);
    expect(await roundTrip(redis.url)).toBe('v');
    await redis.stop();
    expect(readdirSync(join(kept, 'redis')).length).toBeGreaterThan(0); // the append-only file

    const throwaway = tempDir();
    const temp = await startPrivateRedis(throwaway, { persist: false });
    expect(await roundTrip(temp.url)).toBe('v');
    await temp.stop();
    expect(readdirSync(join(throwaway, 'redis'))).toEqual([]);
  });

  it('rejects with the install hint when redis-server is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(tempDir(), 'empty');
    try {
      await expect(startPrivateRedis(tempDir())).rejects.toThrow(REDIS_INSTALL_HINT);
    } finally {
      process.env.PATH = path;
    }
  });
});
