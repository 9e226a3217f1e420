export * from './types';
export { detectFormat, isPdf, sniffEncoding, DETECT_HEAD_BYTES, type TextEncoding } from './detect';
export { parseDocument, resolveLimits, resolveSegment, contentHash, type ParseOptions } from './parse';
export { parseInWorker, closeParseWorkers, type WorkerParseOptions } from './worker';
export { segment, buildSections, buildPassages, countWords, pageAt, MAX_SENTENCE_CHARS } from './segment/segment';
export { splitSentences, type SentenceRange, type SentenceSplitOptions } from './segment/sentences';
export { detectLanguage } from './language';
export { decodeText } from './formats/text';
export { parseFileReport, type ParseReport } from './report';
export { assignRoles, type RoleInput } from './structure/roles';
export {
  PlacedText,
  glyphWeight,
  highlightBoxes,
  BoxWriter,
  boxAt,
  boxCount,
  packBoxes,
  unpackBoxes,
  type Extent,
  type HighlightRect,
  type PageHighlight,
} from './geometry';
export { TextBuilder, type PageFrame } from './builder';
