// The JSON shapes the web app reads: the API's own zod schemas, the ones that validate requests and
// generate /docs/openapi.json. Type-only imports (the schema modules import nothing but zod, and
// nothing of them reaches the bundle), so a change to a response shape is a type error here.
import type { ChatChunk, ChatCitation as ApiChatCitation } from '../../api/src/chat/chat.schemas';
import type { GeometryResponse, PagesResponse, SectionsResponse } from '../../api/src/content/content.schemas';
import type { DocumentView as ApiDocumentView, DocumentStatusName } from '../../api/src/documents/documents.schemas';
import type { SearchResponseView, SearchResultView } from '../../api/src/search/search.schemas';
import type {
  Citation as ApiCitation,
  SummarySentence as ApiSummarySentence,
  SummaryView as ApiSummaryView,
} from '../../api/src/summaries/summaries.schemas';

export type Status = DocumentStatusName;

export const STAGES = ['parsing', 'embedding', 'indexing', 'summarizing'] as const;

export type DocumentView = ApiDocumentView;

/** Where a citation points: a document, its page and [start, end) offsets into its text (and the text, when known). */
export type Citation = ApiCitation & { text?: string };

export type SummarySentence = ApiSummarySentence;
export type SummaryView = ApiSummaryView;
export type SectionsView = SectionsResponse;
export type PageText = PagesResponse;

/** `GET /v1/documents/:id/geometry`: boxes in PDF points of the displayed page (origin top-left). */
export type Geometry = GeometryResponse;
export type Box = Geometry['pages'][number]['boxes'][number];

export type SearchResult = SearchResultView;
export type SearchResponse = SearchResponseView;

export type ChatCitation = ApiChatCitation;
/** One `data:` chunk of a streamed chat answer. */
export type Chunk = ChatChunk;
