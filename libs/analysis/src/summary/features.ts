import { cosine, type Vector } from '../vectors';
import { sparseCentroid, sparseDot, tfidfVectors } from '../text/tfidf';
import { words } from '../text/tokenize';

/**
 * Per-sentence evidence for summary salience. The content head (summary/head.ts) is a linear model over
 * these rows, fitted on SciTLDR-A train by eval/fit-summary.ts; summarize.ts adds the news position prior.
 *
 *   leadPrior          1 / (1 + i)
 *   relativePosition   i / (n − 1)
 *   logLength          log(1 + words)
 *   lexicalCentrality  z( cos(tfidf_i, tfidf centroid) )
 *   liquidCentrality   z( cos(v_i, d) ): the sentence's liquid vector against the document vector (the
 *                      mean of the features the stream produced over the whole document)
 *   liquidDegree       z( Σ_j cos(c_i, c_j) ), c = liquid vectors centred on their document mean: how much
 *                      of the rest of the document a sentence speaks for once the shared document
 *                      context (which rides in every vector through the state) is taken out
 *
 * z = z-score within the document, so a weight means the same for a 5- and a 5,000-sentence document.
 * Without liquid vectors (lexical mode) the two liquid features are 0.
 */
export const SALIENCE_FEATURES = [
  'leadPrior',
  'relativePosition',
  'logLength',
  'lexicalCentrality',
  'liquidCentrality',
  'liquidDegree',
] as const;

export interface SalienceFeatureInput {
  texts: readonly string[];
  vectors?: readonly Vector[] | null;
  documentVector?: Vector | null;
}

export function zscore(xs: readonly number[]): number[] {
  if (xs.length === 0) return [];
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / xs.length);
  return xs.map((x) => (sd > 1e-9 ? (x - m) / sd : 0));
}

/**
 * Σ_{j≠i} cos(c_i, c_j) for every i in O(n·D) time and O(D) extra memory: with u_i = c_i / |c_i| the sum is
 * u_i · (Σ_j u_j) − u_i · u_i, so two passes over the vectors suffice and no centred copy is kept (a
 * 100k-sentence document would otherwise hold 100k × D more numbers).
 */
function centredDegree(vs: readonly Vector[]): number[] {
  const n = vs.length;
  const dim = vs[0]?.length ?? 0;
  const mu = new Float64Array(dim);
  for (const v of vs) for (let k = 0; k < dim; k++) mu[k]! += v[k]! / n;
  const inverseNorm = (v: Vector): number => {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += (v[k]! - mu[k]!) ** 2;
    return sq > 0 ? 1 / Math.sqrt(sq) : 0;
  };
  const total = new Float64Array(dim);
  const inv = vs.map((v) => {
    const r = inverseNorm(v);
    for (let k = 0; k < dim; k++) total[k]! += (v[k]! - mu[k]!) * r;
    return r;
  });
  return vs.map((v, i) => {
    const r = inv[i]!;
    let s = 0;
    for (let k = 0; k < dim; k++) s += (v[k]! - mu[k]!) * r * total[k]!;
    return r > 0 ? s - 1 : s;
  });
}

export interface SalienceFeatureSet {
  rows: number[][];
  /** TF-IDF vectors, reused for MMR redundancy. */
  lexical: ReturnType<typeof tfidfVectors>;
  /** Whether liquid vectors were available (otherwise the liquid columns are 0). */
  liquid: boolean;
  /** Words per sentence (the length prior and word budgets use them too). */
  wordCounts: number[];
}

export function salienceFeatures(input: SalienceFeatureInput): SalienceFeatureSet {
  const { texts } = input;
  const n = texts.length;
  const lexical = tfidfVectors(texts);
  const centroid = sparseCentroid(lexical);
  const lexCentral = zscore(lexical.map((v) => sparseDot(v, centroid)));
  const vecs = input.vectors && input.vectors.length === n && n > 0 ? input.vectors : null;
  let liqCentral: number[] = new Array<number>(n).fill(0);
  let liqDegree: number[] = new Array<number>(n).fill(0);
  if (vecs) {
    const doc = input.documentVector ?? meanOf(vecs);
    liqCentral = zscore(vecs.map((v) => cosine(v, doc)));
    liqDegree = zscore(centredDegree(vecs));
  }
  const wordCounts = texts.map((t) => words(t).length);
  const rows = texts.map((_, i) => [
    1 / (1 + i),
    n > 1 ? i / (n - 1) : 0,
    Math.log(1 + wordCounts[i]!),
    lexCentral[i]!,
    liqCentral[i]!,
    liqDegree[i]!,
  ]);
  return { rows, lexical, liquid: vecs !== null, wordCounts };
}

function meanOf(vs: readonly Vector[]): number[] {
  const out = new Array<number>(vs[0]!.length).fill(0);
  for (const v of vs) for (let k = 0; k < out.length; k++) out[k]! += v[k]!;
  return out;
}
