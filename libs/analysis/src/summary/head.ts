/**
 * The content head of summary salience: a linear model over summary/features.ts SALIENCE_FEATURES,
 * fitted as a listwise softmax (the best sentence of each document against the others) on SciTLDR-A
 * train, where the best sentence is the one with the highest mean ROUGE-1/2/L against the document's
 * TLDRs. Regenerate with `npx tsx eval/fit-summary.ts DATA_DIR/summarization` after a model change: the
 * liquid columns depend on the model.
 */
export interface SummaryHead {
  /** One weight per SALIENCE_FEATURES entry. */
  weights: number[];
  /** The liquid model the liquid columns were fitted with. */
  model: string;
  source: string;
}

export const SUMMARY_HEAD: SummaryHead = {
  weights: [0.0682, -0.1474, -0.1343, 0.1417, 0.1132, 0.028],
  model: 'cfc-20261129-e771cabe',
  source: 'scitldr-a train (1991 documents), listwise softmax on the best-ROUGE sentence',
};
