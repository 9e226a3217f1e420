import {
  buildStoredSummary,
  parseSummaryLength,
  selectFromSalience,
  type StoredSummary,
  type SummaryCitation,
} from '@elegans/analysis';
import { ElegansError } from '@elegans/common';
import type { Storage } from '@elegans/storage';
import { Inject, Injectable } from '@nestjs/common';
import { STORAGE } from '../../../shared/src/storage.module';
import type { SummaryView } from './summaries.schemas';

export type { SummaryView };

/** Kept equal to the worker's SUMMARY_RESULT_KIND (apps/worker/src/pipeline/summarize.stage.ts). */
const SUMMARY_KIND = 'summary';

/**
 * Serves the summary the worker stored; another length is re-selected from the stored per-sentence
 * salience (MMR over TF-IDF redundancy), so no model runs at request time.
 */
@Injectable()
export class SummariesService {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async get(tenantId: string, id: string, lengthParam: string | undefined): Promise<SummaryView> {
    const doc = await this.storage.documents.getForTenant(tenantId, id);
    if (!doc) throw new ElegansError('not_found', `document ${id} not found`);
    const length = parseSummaryLength(lengthParam);
    if (lengthParam !== undefined && length === null) {
      throw new ElegansError(
        'validation_failed',
        'length must be a number of sentences (1-50, e.g. "5") or of words (1-2000, e.g. "120w")',
      );
    }
    const rec = await this.storage.results.get(id, SUMMARY_KIND);
    let stored = rec?.data as StoredSummary | undefined;
    if (!stored && doc.status === 'ready') {
      // Processed before the summarize stage existed (or it was skipped): build it once from the stored
      // parse, on lexical evidence (no model at request time), and keep it.
      const parsed = await this.storage.content.loadParsed(id);
      if (parsed) {
        stored = buildStoredSummary(parsed, null, null);
        await this.storage.results.put(id, SUMMARY_KIND, stored);
      }
    }
    if (!stored) {
      const why =
        doc.status === 'failed' ? `processing failed (${doc.error?.code ?? 'error'})` : `document is ${doc.status}`;
      throw new ElegansError('not_found', `no summary for document ${id} yet: ${why}`);
    }
    const view = (xs: SummaryCitation[]) =>
      xs.map((s) => ({
        sentence: s.index,
        text: s.text,
        page: s.page,
        start: s.start,
        end: s.end,
        ...(s.role ? { role: s.role } : {}),
        citation: { documentId: id, page: s.page, start: s.start, end: s.end },
      }));
    const sections = stored.sections.map((s) => ({
      title: s.title,
      page: s.page,
      ...(s.role ? { role: s.role } : {}),
      summary: view(s.sentences),
    }));
    const same = !length || (length.sentences === stored.length.sentences && length.words === stored.length.words);
    if (same) {
      return {
        documentId: id,
        model: stored.model,
        length: stored.length,
        onDemand: false,
        summary: view(stored.sentences),
        sections,
      };
    }
    const parsed = await this.storage.content.loadParsed(id);
    if (!parsed || parsed.sentences.length !== stored.salience.length) {
      throw new ElegansError('not_found', `document ${id} has no stored parse matching its summary; reprocess it`);
    }
    return {
      documentId: id,
      model: stored.model,
      length: length!,
      onDemand: true,
      summary: view(selectFromSalience(parsed, stored.salience, length!)),
      sections,
    };
  }
}
