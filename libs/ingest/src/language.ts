/**
 * Language of the document (ISO 639-1) with eld, on a sample from the start, middle and end so a
 * foreign title page does not decide it. Null when the text is too short or eld is unsure.
 */
type Eld = { detect(text: string): { language: string; isReliable(): boolean } };
let eldPromise: Promise<Eld> | null = null;

function loadEld(): Promise<Eld> {
  // ESM-only package; the small static build loads in a few milliseconds.
  eldPromise ??= import('eld/small').then((m) => (m as unknown as { eld: Eld }).eld);
  return eldPromise;
}

export async function detectLanguage(text: string): Promise<string | null> {
  const letters = text.replace(/[^\p{L}\s]/gu, ' ').replace(/\s+/g, ' ');
  if (letters.replace(/\s/g, '').length < 20) return null;
  const chunk = 2000;
  const sample =
    letters.length <= chunk * 3
      ? letters
      : [
          letters.slice(0, chunk),
          letters.slice(letters.length / 2, letters.length / 2 + chunk),
          letters.slice(-chunk),
        ].join(' ');
  try {
    const eld = await loadEld();
    const r = eld.detect(sample);
    return r.language || null;
  } catch {
    return null;
  }
}
