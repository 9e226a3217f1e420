import { DocumentStatus, ElegansError } from '@elegans/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DOCUMENT_STATUSES } from '../documents/documents.schemas';
import { json } from './responses';
import { ApiGet, ZodRequestPipe } from './route';

const SRC = join(__dirname, '..');

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? schemaFiles(join(dir, e.name)) : e.name.endsWith('.schemas.ts') ? [join(dir, e.name)] : [],
  );
}

describe('route schemas', () => {
  it('schema modules import only zod and each other (the web app imports their types)', () => {
    const files = schemaFiles(SRC);
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const imports = [...readFileSync(f, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const i of imports)
        expect(i === 'zod' || /\.schemas$/.test(i), `${relative(SRC, f)} imports ${i}`).toBe(true);
    }
  });

  it('the document statuses are the pipeline’s', () => {
    expect([...DOCUMENT_STATUSES].sort()).toEqual(Object.values(DocumentStatus).sort());
  });

  it('a route must declare a success response', () => {
    expect(() => ApiGet('x', { summary: 'no success', responses: {} })).toThrow(/no 2xx/);
    expect(() => ApiGet('x', { summary: 'ok', responses: { 200: json(z.object({})) } })).not.toThrow();
  });
});

describe('ZodRequestPipe', () => {
  const pipe = new ZodRequestPipe({
    summary: 't',
    body: z.object({ q: z.string().min(1), k: z.number().int().default(3) }).strict(),
    query: z.object({ page: z.coerce.number().int().min(1).optional() }),
    params: z.object({ id: z.string().max(5) }),
    responses: { 200: json(z.object({})) },
  });
  const fail = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return err;
    }
    throw new Error('expected a validation error');
  };

  it('hands the handler parsed values (defaults applied, strings coerced)', () => {
    expect(pipe.transform({ q: 'x' }, { type: 'body' })).toEqual({ q: 'x', k: 3 });
    expect(pipe.transform('2', { type: 'query', data: 'page' })).toBe(2);
    expect(pipe.transform({ page: '4' }, { type: 'query' })).toEqual({ page: 4 });
    expect(pipe.transform('abc', { type: 'param', data: 'id' })).toBe('abc');
  });

  it('answers a 400 validation_failed naming the field', () => {
    const missing = fail(() => pipe.transform(undefined, { type: 'body' })) as ElegansError;
    expect(missing).toBeInstanceOf(ElegansError);
    expect(missing.code).toBe('validation_failed');
    expect(missing.message).toMatch(/^q: /);
    expect((fail(() => pipe.transform({ q: 'x', extra: 1 }, { type: 'body' })) as Error).message).toMatch(/extra/);
    expect((fail(() => pipe.transform('0', { type: 'query', data: 'page' })) as Error).message).toMatch(/^page: /);
    expect((fail(() => pipe.transform('toolong', { type: 'param', data: 'id' })) as Error).message).toMatch(/^id: /);
  });

  it('leaves other arguments alone', () => {
    const req = { any: 'thing' };
    expect(pipe.transform(req, { type: 'custom' })).toBe(req);
    expect(pipe.transform('x', { type: 'query', data: 'unknown' })).toBe('x');
  });
});
