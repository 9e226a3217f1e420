import { generateApiKey } from '@elegans/storage';
import { openAppStorage } from '../../../shared/src/app-storage';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../../shared/src/config';

export const summary =
  'create an API key for a tenant (created if missing), --admin for an admin key; prints the key once';

export const USAGE = 'usage: elegans keys create --tenant NAME [--label L] [--admin] [--json]\n';

/** Tenant of an admin key when --tenant is not given: admin keys are for operators, not for a customer's data. */
const ADMIN_TENANT = 'admin';

/**
 * `elegans keys create --tenant T [--label L] [--admin] [--json]`: uses DATA_DIR / DATABASE_PATH like the
 * service. An admin key opens /admin/queues (Bull Board: every tenant's jobs) as well as its own tenant's
 * /v1 routes; a tenant key gets 403 there.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: 'string' },
      label: { type: 'string' },
      admin: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const tenantName = values.tenant ?? (values.admin ? ADMIN_TENANT : undefined);
  if (!tenantName || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(tenantName)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfigOrExit();
  const storage = await openAppStorage(config);
  try {
    const tenant = await storage.tenants.ensure(tenantName);
    const key = generateApiKey();
    const rec = await storage.apiKeys.create({
      tenantId: tenant.id,
      keyHash: key.hash,
      prefix: key.prefix,
      label: values.label ?? null,
      isAdmin: values.admin,
    });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ key: key.plaintext, keyId: rec.id, prefix: key.prefix, tenant: tenant.name, tenantId: tenant.id, admin: rec.isAdmin })}\n`,
      );
    } else {
      const kind = rec.isAdmin ? 'Admin API key' : 'API key';
      process.stderr.write(`${kind} for tenant ${tenant.name} (shown once; only its hash is stored):\n`);
      process.stdout.write(`${key.plaintext}\n`);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
