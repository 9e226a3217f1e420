import { parseArgs } from 'node:util';
import { openAppStorage } from '../../../shared/src/app-storage';
import { loadConfigOrExit } from '../../../shared/src/config';

export const summary =
  "list a tenant's API keys (id, prefix, label, admin, created, last used, revoked); never the keys";

export const USAGE = 'usage: elegans keys list --tenant NAME [--json]\n';

/**
 * `elegans keys list --tenant T [--json]`: what an operator needs to find the key to revoke. Only
 * metadata is stored (the key's hash, never its plaintext), so a key cannot be shown again.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { tenant: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.tenant) {
    process.stderr.write(USAGE);
    return 2;
  }
  const storage = await openAppStorage(loadConfigOrExit());
  try {
    const tenant = await storage.tenants.getByName(values.tenant);
    if (!tenant) {
      process.stderr.write(`elegans keys list: no tenant named ${values.tenant}\n`);
      return 1;
    }
    const keys = (await storage.apiKeys.listForTenant(tenant.id)).map((k) => ({
      id: k.id,
      prefix: k.prefix,
      label: k.label,
      admin: k.isAdmin,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      revokedAt: k.revokedAt,
    }));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ tenant: tenant.name, tenantId: tenant.id, keys })}\n`);
    } else {
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        process.stdout.write(
          `${k.id}\t${k.prefix}\t${k.admin ? 'admin' : 'tenant'}\t${state}\tcreated ${k.createdAt}\tlast used ${k.lastUsedAt ?? 'never'}\t${k.label ?? ''}\n`,
        );
      }
    }
    return 0;
  } finally {
    await storage.close();
  }
}
