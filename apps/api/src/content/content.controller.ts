import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth.guard';
import { Auth } from '../auth/tenant.decorator';
import { ContentService } from './content.service';

const PROBLEM = { description: 'problem+json: {type, title, status, detail, code}' };

@ApiTags('documents')
@ApiBearerAuth()
@Controller('v1/documents')
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get(':id/file')
  @ApiOperation({
    summary: 'The original bytes, with the media type of the detected format (byte ranges supported)',
    description:
      'Served as an attachment named `<id>.<ext>` (the uploaded file name is metadata only) under a sandboxing CSP, ' +
      'so an uploaded HTML file never runs as this origin.',
  })
  @ApiProduces('application/pdf', 'application/octet-stream')
  @ApiResponse({ status: 200, description: 'The file' })
  @ApiResponse({ status: 206, description: 'A byte range of it (Range header)' })
  @ApiResponse({ status: 404, ...PROBLEM })
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

  @Get(':id/pages')
  @ApiOperation({
    summary:
      'Page spans of the document text (all, or pages `from`..`to`); with `page`, that page’s text and sentences',
    description: 'Offsets are [start, end) into the document text, the same as in citations.',
  })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'from', required: false, type: Number, description: 'first page of the spans returned' })
  @ApiQuery({ name: 'to', required: false, type: Number, description: 'last page of the spans returned' })
  @ApiResponse({
    status: 200,
    description: '{documentId, format, pageCount, pages: [{number, start, end, text?, sentences?}]}',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  async pages(@Auth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown) {
    return this.content.pages(auth.tenantId, id, query);
  }

  @Get(':id/geometry')
  @ApiOperation({
    summary: 'Highlight boxes of a character range on its PDF pages',
    description:
      'The rectangles covering exactly the characters [start, end) (a citation’s offsets) on each page they touch, ' +
      'in PDF points of the page as displayed (origin top-left, y down). `geometry: false` with no pages when the ' +
      'document has no page layout (DOCX, HTML, Markdown, text): highlight the text range instead. ' +
      'A range longer than GEOMETRY_MAX_RANGE_CHARS is a 400.',
  })
  @ApiQuery({ name: 'start', required: true, type: Number })
  @ApiQuery({ name: 'end', required: true, type: Number })
  @ApiResponse({
    status: 200,
    description: '{documentId, start, end, geometry, pages: [{page, width, height, boxes: [{x, y, width, height}]}]}',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  async geometry(@Auth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown) {
    return this.content.geometry(auth.tenantId, id, query);
  }

  @Get(':id/sections')
  @ApiOperation({ summary: 'Sections (title, level, page, offsets and structure role when detected)' })
  @ApiResponse({ status: 200, description: '{documentId, sections: [{index, title, level, page, start, end, role?}]}' })
  @ApiResponse({ status: 404, ...PROBLEM })
  async sections(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.content.sections(auth.tenantId, id);
  }
}
