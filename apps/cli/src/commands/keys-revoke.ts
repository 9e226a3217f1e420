import { parseArgs } from 'node:util';
import { openAppStorage } from '../../../shared/src/app-storage';
import { loadConfigOrExit } from '../../../shared/src/config';

export const summary = "revoke one of a tenant's API keys by its id or prefix; refused from the next request on";

export const USAGE = 'usage: elegans keys revoke --tenant NAME KEY_ID_OR_PREFIX [--json]\n';

/**
 * `elegans keys revoke --tenant T key_… | elg_…`: the tenant is required so a mistyped id can never
 * revoke another customer's key. The API looks keys up on every request (no cache), so the key is
 * refused (401) from the next request on, by every API replica.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { tenant: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const which = positionals[0];
  if (!values.tenant || !which || positionals.length !== 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const storage = await openAppStorage(loadConfigOrExit());
  try {
    const tenant = await storage.tenants.getByName(values.tenant);
    const key = tenant
      ? (await storage.apiKeys.listForTenant(tenant.id)).find((k) => k.id === which || k.prefix === which)
      : undefined;
    if (!tenant || !key) {
      process.stderr.write(`elegans keys revoke: tenant ${values.tenant} has no key ${which}\n`);
      return 1;
    }
    const already = key.revokedAt !== null;
    if (!already) await storage.apiKeys.revoke(key.id);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ id: key.id, prefix: key.prefix, revoked: true, already })}\n`);
    } else {
      process.stderr.write(`${already ? 'already revoked' : 'revoked'}: ${key.id} (${key.prefix})\n`);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
