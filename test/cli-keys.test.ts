import { createPgDatabase } from '@elegans/storage';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auth } from './support/http';
import { createKey, entry, makeEnv, startApi, type Api, type Env } from './support/services';

const ROOT = resolve(__dirname, '..');
const postgresUrl = inject('postgresUrl');

interface Listed {
  tenant: string;
  keys: { id: string; prefix: string; admin: boolean; lastUsedAt: string | null; revokedAt: string | null }[];
}

const backends = [
  { name: 'SQLite', database: async () => ({}) },
  {
    name: 'PostgreSQL',
    database: async () => ({ DATABASE_URL: await createPgDatabase(postgresUrl!, `keys_${process.pid}`) }),
  },
].filter((b) => b.name === 'SQLite' || postgresUrl);

/** `elegans keys list` and `elegans keys revoke` against the API that checks the keys, on both backends. */
describe.each(backends)('API keys from the CLI on $name', ({ database }) => {
  let env: Env;
  let api: Api;
  let cli: (...args: string[]) => { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    env = makeEnv(await database());
    cli = (...args) => {
      const r = spawnSync(process.execPath, [entry('apps/cli/src/main.js'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env.vars },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    api = await startApi(env);
  });

  afterAll(async () => {
    await api?.stop();
    env?.cleanup();
  });

  const status = async (key: string) => (await fetch(`${api.url}/v1/documents`, { headers: auth(key) })).status;

  it('lists keys without their secrets, revokes by prefix, and the API refuses the key from the next request', async () => {
    const first = createKey(env, 'acme');
    const second = createKey(env, 'acme');
    const other = createKey(env, 'globex');
    expect(await status(first)).toBe(200);

    const listed = JSON.parse(cli('keys', 'list', '--tenant', 'acme', '--json').stdout) as Listed;
    expect(listed.tenant).toBe('acme');
    expect(listed.keys).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(first.slice(13)); // the secret part never leaves storage
    const firstKey = listed.keys.find((k) => first.startsWith(`${k.prefix}_`))!;
    expect(firstKey).toMatchObject({ admin: false, revokedAt: null });
    expect(firstKey.lastUsedAt).not.toBeNull();

    // Another tenant's name cannot revoke acme's key, even with its exact id.
    const wrong = cli('keys', 'revoke', '--tenant', 'globex', firstKey.id);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('has no key');
    expect(await status(first)).toBe(200);

    const revoked = cli('keys', 'revoke', '--tenant', 'acme', firstKey.prefix, '--json');
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({
      id: firstKey.id,
      prefix: firstKey.prefix,
      revoked: true,
      already: false,
    });
    expect(await status(first)).toBe(401);
    expect(await status(second)).toBe(200);
    expect(await status(other)).toBe(200);

    const after = JSON.parse(cli('keys', 'list', '--tenant', 'acme', '--json').stdout) as Listed;
    expect(after.keys.find((k) => k.id === firstKey.id)!.revokedAt).not.toBeNull();
    expect(after.keys.filter((k) => k.revokedAt === null)).toHaveLength(1);
    // Revoking again is harmless and says so.
    expect(JSON.parse(cli('keys', 'revoke', '--tenant', 'acme', firstKey.id, '--json').stdout)).toMatchObject({
      already: true,
    });
  });

  it('refuses bad usage with exit code 2 and an unknown tenant with exit code 1', () => {
    expect(cli('keys', 'revoke', 'key_x').code).toBe(2);
    expect(cli('keys', 'list').code).toBe(2);
    expect(cli('keys', 'list', '--tenant', 'nobody').code).toBe(1);
  });
});
