import { porterStem } from './porter';

/**
 * Word tokens as ROUGE and BM25 baselines see them: lower-case runs of letters and digits
 * (Unicode-aware), everything else a separator. Like rouge-score, "don't" becomes "don", "t".
 */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function stems(text: string): string[] {
  return words(text).map(porterStem);
}

/** A short English stop list (SMART core): function words carry no evidence for overlap features. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on ' +
    'once only or other our ours ourselves out over own same she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours yourself yourselves also s t d ll m re ve'
  ).split(' '),
);

/** Stemmed content terms (stop words removed). */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) if (!STOPWORDS.has(w)) out.push(porterStem(w));
  return out;
}
