import { generateApiKey } from '@elegans/storage';
import { openAppStorage } from '../../shared/src/app-storage';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../shared/src/config';

export const DEV_TENANT = 'dev';

/**
 * Runs the migrations once (before the API and worker race to), and on the very first start
 * creates the `dev` tenant with one key. Only the hash is stored in the database; the plaintext
 * is returned to be printed once and written to DATA_DIR/dev-api-key (mode 0600) for local use.
 */
export async function prepareDatabase(config: Config): Promise<{ key: string | null; keyFile: string }> {
  const keyFile = join(config.DATA_DIR, 'dev-api-key');
  const storage = await openAppStorage(config);
  try {
    if (await storage.tenants.getByName(DEV_TENANT)) return { key: null, keyFile };
    const tenant = await storage.tenants.ensure(DEV_TENANT);
    const key = generateApiKey();
    await storage.apiKeys.create({
      tenantId: tenant.id,
      keyHash: key.hash,
      prefix: key.prefix,
      label: 'dev (first start)',
    });
    writeFileSync(keyFile, `${key.plaintext}\n`, { mode: 0o600 });
    return { key: key.plaintext, keyFile };
  } finally {
    await storage.close();
  }
}
