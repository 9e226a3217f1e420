import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('applies defaults and derives paths and byte limits', () => {
    const c = parseConfig({ DATA_DIR: '/tmp/x', MAX_UPLOAD_MB: '1.5' });
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_PATH).toBe('/tmp/x/elegans.db');
    expect(c.maxUploadBytes).toBe(1572864);
    expect(c.WORKER_CONCURRENCY).toBe(2);
  });

  it('reads the model settings, lanes included, with their defaults', () => {
    const d = parseConfig({});
    expect([d.MODEL_THREADS, d.MODEL_CHUNK_TOKENS, d.MODEL_CHECKPOINT_TOKENS]).toEqual([1, 64, 8192]);
    expect([d.MODEL_LANE_WARMUP_TOKENS, d.MODEL_LANE_MIN_SEGMENT_TOKENS, d.MODEL_LANE_MAX_SEGMENT_TOKENS]).toEqual([
      256, 2048, 4096,
    ]);
    const c = parseConfig({ MODEL_LANES: '1', MODEL_CHECKPOINT_TOKENS: '0', MODEL_LANE_WARMUP_TOKENS: '0' });
    expect([c.MODEL_LANES, c.MODEL_CHECKPOINT_TOKENS, c.MODEL_LANE_WARMUP_TOKENS]).toEqual([1, 0, 0]);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MAX_UPLOAD_MB', '0'],
    ['MAX_UPLOAD_MB', '-3'],
    ['WORKER_CONCURRENCY', '1.5'],
    ['REDIS_URL', 'http://x'],
    ['QUEUE_PREFIX', 'a:b'],
    ['LOG_LEVEL', 'loud'],
    ['MODEL_THREADS', '0'],
    ['MODEL_CHUNK_TOKENS', '1.5'],
    ['MODEL_CHECKPOINT_TOKENS', '-1'],
    ['MODEL_LANES', '0'],
    ['MODEL_LANES', '17'],
    ['MODEL_LANE_WARMUP_TOKENS', 'many'],
    ['MODEL_LANE_MIN_SEGMENT_TOKENS', '0'],
    ['MODEL_LANE_MAX_SEGMENT_TOKENS', '100'],
  ])('rejects %s=%s with a one-line error naming the variable', (key, value) => {
    let err: unknown;
    try {
      parseConfig({ [key]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain(key);
    expect(msg).toContain(JSON.stringify(value));
    expect(msg).not.toContain('\n');
  });

  it('takes a PostgreSQL DATABASE_URL and rejects others without echoing the value (it may hold a password)', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/elegans' }).DATABASE_URL).toBe(
      'postgres://u:p@db:5432/elegans',
    );
    expect(parseConfig({ DATABASE_URL: 'postgresql://db/elegans' }).DATABASE_URL).toBe('postgresql://db/elegans');
    expect(parseConfig({}).DATABASE_URL).toBeUndefined();
    for (const bad of ['mysql://u:s3cret@db/x', 'postgres:///nohost', 'sqlite:///tmp/x.db']) {
      let msg = '';
      try {
        parseConfig({ DATABASE_URL: bad });
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toContain('DATABASE_URL');
      expect(msg).not.toContain(bad);
      expect(msg).not.toContain('s3cret');
    }
  });

  it('stops a process with exit code 78 and one line on stderr', () => {
    const script = `require('./apps/shared/src/config').loadConfigOrExit({ PORT: 'nope' }); console.log('survived')`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
    expect(r.status).toBe(78);
    expect(r.stdout).not.toContain('survived');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/PORT/);
  });
});
