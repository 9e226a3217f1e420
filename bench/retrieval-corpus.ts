/**
 * Builds a passage corpus for the retrieval benchmark from text already on this machine (the
 * training corpora unpacked under training/.cache, or any folder): plain-text and gzipped
 * documentation files, split at blank lines into paragraphs, packed into passages of about
 * `words` words. Deterministic for a given folder (files sorted by path).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

function* walk(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) yield* walk(p);
    else if (st.isFile() && /\.(txt|rst|md|gz)$/.test(e) && st.size < 5_000_000) yield p;
  }
}

function readText(p: string): string | null {
  try {
    const buf = readFileSync(p);
    const raw = p.endsWith('.gz') ? gunzipSync(buf) : buf;
    // Skip binary content (images, archives inside .gz).
    const head = raw.subarray(0, 2000);
    let ctrl = 0;
    for (const b of head) if (b < 9 || (b > 13 && b < 32)) ctrl++;
    if (ctrl > 10) return null;
    return raw.toString('utf8');
  } catch {
    return null;
  }
}

export interface BenchPassage {
  doc: number;
  text: string;
}

export function buildCorpus(dirs: string[], target: number, words = 100): BenchPassage[] {
  const out: BenchPassage[] = [];
  let doc = 0;
  for (const dir of dirs) {
    for (const file of walk(dir)) {
      const text = readText(file);
      if (!text) continue;
      doc++;
      let cur: string[] = [];
      const flush = () => {
        if (cur.length >= 20) out.push({ doc, text: cur.join(' ') });
        cur = [];
      };
      for (const para of text.split(/\n\s*\n/)) {
        const w = para.split(/\s+/).filter((x) => /[\p{L}]/u.test(x));
        if (w.length < 3) continue;
        for (const x of w) {
          cur.push(x);
          if (cur.length >= words) flush();
        }
        if (cur.length >= words * 0.6) flush();
        if (out.length >= target) return out;
      }
      flush();
      if (out.length >= target) return out;
    }
  }
  return out;
}
