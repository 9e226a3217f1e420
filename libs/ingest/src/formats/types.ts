import type { HeadingMark } from '../builder';
import type {
  DocumentFlag,
  IngestLimits,
  OcrOptions,
  OcrSummary,
  PageGeometry,
  PageSpan,
  ProgressStage,
} from '../types';

/** What each format parser hands to segmentation. */
export interface FormatResult {
  text: string;
  pages: PageSpan[];
  headings: HeadingMark[];
  /** True for raw plain text, where a single newline is soft (wrapped lines). */
  softLineBreaks: boolean;
  title: string | null;
  flags: DocumentFlag[];
  encoding?: string;
  ocr?: OcrSummary;
  /** Per-page text boxes with offsets into `text` (PDF). */
  geometry?: PageGeometry[];
}

export interface FormatContext {
  limits: IngestLimits;
  ocr: OcrOptions;
  /** 0..1 within a stage: `parsing` (reading the pages), then `ocr` (recognizing the pages that need it). */
  onProgress?: (fraction: number, stage: ProgressStage) => void;
  /** Throws parse_timeout once the time budget is spent (cooperative, for in-thread parses). */
  checkDeadline: () => void;
}
