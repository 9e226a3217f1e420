import { generateApiKey } from '@elegans/storage';
import { openAppStorage } from '../../../shared/src/app-storage';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../../shared/src/config';

export const summary = 'create an API key for a tenant (created if missing); prints the key once';

/** `elegans keys create --tenant T [--label L] [--json]`: uses DATA_DIR / DATABASE_PATH like the service. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: 'string' },
      label: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.tenant || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(values.tenant)) {
    process.stderr.write('usage: elegans keys create --tenant NAME [--label L] [--json]\n');
    return 2;
  }
  const config = loadConfigOrExit();
  const storage = await openAppStorage(config);
  try {
    const tenant = await storage.tenants.ensure(values.tenant);
    const key = generateApiKey();
    const rec = await storage.apiKeys.create({
      tenantId: tenant.id,
      keyHash: key.hash,
      prefix: key.prefix,
      label: values.label ?? null,
    });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ key: key.plaintext, keyId: rec.id, prefix: key.prefix, tenant: tenant.name, tenantId: tenant.id })}\n`,
      );
    } else {
      process.stderr.write(`API key for tenant ${tenant.name} (shown once; only its hash is stored):\n`);
      process.stdout.write(`${key.plaintext}\n`);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
