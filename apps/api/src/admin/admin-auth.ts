import { hashApiKey, type Storage } from '@elegans/storage';
import type { NextFunction, Request, Response } from 'express';
import { problem, sendProblem } from '../common/problem';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Both challenges: a browser answers the Basic one with its sign-in dialog, API clients use Bearer. */
const CHALLENGES = ['Basic realm="Elegans admin", charset="UTF-8"', 'Bearer realm="Elegans admin"'];

/**
 * helmet's policy with one change for the board: its page asks fonts.googleapis.com for a web font.
 * Fonts and styles come from this origin only, so an admin's browser contacts no third party (the
 * board falls back to system fonts; the blocked stylesheet shows as one CSP report in the console).
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join(';');

type Credential = { key: string; via: 'bearer' | 'basic' } | null;

/**
 * The key of `Authorization: Bearer <key>` (API clients), or the password of
 * `Authorization: Basic` (a browser, after its sign-in dialog; the user name is ignored).
 * Never a URL query: keys in URLs end up in logs, history and Referer headers.
 */
export function adminCredential(header: string | undefined): Credential {
  if (!header) return null;
  const bearer = BEARER.exec(header);
  if (bearer) return { key: bearer[1]!, via: 'bearer' };
  const basic = BASIC.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon >= 0 ? decoded.slice(colon + 1) : '';
  return key ? { key, via: 'basic' } : null;
}

/**
 * A browser attaches remembered Basic credentials to any request for this origin, also one another
 * site makes it send; refuse state-changing requests that did not come from this origin's own pages.
 * `Sec-Fetch-Site` (every current browser) decides; without it, `Origin` must name this host.
 */
export function crossSite(req: Pick<Request, 'method' | 'headers'>): boolean {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return false;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * Express middleware in front of the operator surfaces (Bull Board at /admin/queues): only an active
 * admin key (`elegans keys create --admin`) passes. No key or an unknown one: 401 with both
 * challenges; a tenant key: 403. Both as problem+json, like every other error of the API.
 */
export function adminAuth(storage: Storage): (req: Request, res: Response, next: NextFunction) => void {
  const touched = new Map<string, number>();
  return (req, res, next) => {
    res.setHeader('Content-Security-Policy', ADMIN_CSP);
    const cred = adminCredential(req.headers.authorization);
    const refuse401 = (detail: string) => {
      res.setHeader('WWW-Authenticate', CHALLENGES);
      sendProblem(res, problem(401, detail, 'unauthorized'));
    };
    if (!cred) {
      refuse401('admin key required: Authorization: Bearer <admin key>, or the key as the password of HTTP Basic');
      return;
    }
    storage.apiKeys
      .findActiveByHash(hashApiKey(cred.key))
      .then(async (key) => {
        if (!key) return refuse401('invalid or revoked API key');
        if (!key.isAdmin) {
          return sendProblem(
            res,
            problem(403, 'this API key is not an admin key (elegans keys create --admin)', 'forbidden'),
          );
        }
        if (cred.via === 'basic' && crossSite(req)) {
          return sendProblem(res, problem(403, 'cross-site request refused', 'forbidden'));
        }
        // Job data of every tenant: never kept by a shared cache.
        res.setHeader('Cache-Control', 'no-store');
        const now = Date.now();
        if ((touched.get(key.id) ?? 0) < now - 60_000) {
          touched.set(key.id, now);
          await storage.apiKeys.touch(key.id);
        }
        next();
      })
      .catch(next);
  };
}
