import { Controller, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { documentIdParams } from '../documents/documents.schemas';
import { binary, json, problems } from '../openapi/responses';
import { ApiGet, ApiTag } from '../openapi/route';
import {
  FILE_MEDIA_TYPES,
  geometryQuerySchema,
  geometryResponseSchema,
  pageQuerySchema,
  pagesResponseSchema,
  sectionsResponseSchema,
  type GeometryQuery,
  type GeometryResponse,
  type PageQuery,
  type PagesResponse,
  type SectionsResponse,
} from './content.schemas';
import { ContentService } from './content.service';

@ApiTag('documents')
@Controller('v1/documents')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @ApiGet(':id/file', {
    summary: 'The original bytes, with the media type of the detected format (byte ranges supported)',
    description:
      'Served as an attachment named `<id>.<ext>` (the uploaded file name is metadata only) under a sandboxing CSP, ' +
      'so an uploaded HTML file never runs as this origin.',
    params: documentIdParams,
    responses: {
      200: binary(FILE_MEDIA_TYPES, 'The file'),
      206: binary(FILE_MEDIA_TYPES, 'A byte range of it (Range header)'),
      ...problems(404),
    },
  })
  async file(@Auth() auth: AuthContext, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const f = await this.content.file(auth.tenantId, id);
    await new Promise<void>((resolve, reject) => {
      res.sendFile(
        f.path,
        {
          acceptRanges: true,
          cacheControl: false,
          lastModified: false,
          etag: false,
          dotfiles: 'allow',
          headers: {
            'Content-Type': f.contentType,
            'Content-Disposition': `attachment; filename="${f.downloadName}"`,
            'Content-Security-Policy': "sandbox; default-src 'none'",
            'Cache-Control': 'private, max-age=3600',
            ETag: f.etag,
          },
        },
        (err) => (err && !res.headersSent ? reject(err) : resolve()),
      );
    });
  }

  @ApiGet(':id/pages', {
    summary:
      'Page spans of the document text (all, or pages `from`..`to`); with `page`, that page’s text and sentences',
    description: 'Offsets are [start, end) into the document text, the same as in citations.',
    params: documentIdParams,
    query: pageQuerySchema,
    responses: { 200: json(pagesResponseSchema), ...problems(400, 404) },
  })
  async pages(@Auth() auth: AuthContext, @Param('id') id: string, @Query() query: PageQuery): Promise<PagesResponse> {
    return this.content.pages(auth.tenantId, id, query);
  }

  @ApiGet(':id/geometry', {
    summary: 'Highlight boxes of a character range on its PDF pages',
    description:
      'The rectangles covering exactly the characters [start, end) (a citation’s offsets) on each page they touch, ' +
      'in PDF points of the page as displayed (origin top-left, y down). `geometry: false` with no pages when the ' +
      'document has no page layout (DOCX, HTML, Markdown, text): highlight the text range instead. ' +
      'A range longer than GEOMETRY_MAX_RANGE_CHARS is a 400.',
    params: documentIdParams,
    query: geometryQuerySchema,
    responses: { 200: json(geometryResponseSchema), ...problems(400, 404) },
  })
  async geometry(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: GeometryQuery,
  ): Promise<GeometryResponse> {
    return this.content.geometry(auth.tenantId, id, query);
  }

  @ApiGet(':id/sections', {
    summary: 'Sections (title, level, page, offsets and structure role when detected)',
    params: documentIdParams,
    responses: { 200: json(sectionsResponseSchema), ...problems(404) },
  })
  async sections(@Auth() auth: AuthContext, @Param('id') id: string): Promise<SectionsResponse> {
    return this.content.sections(auth.tenantId, id);
  }
}
