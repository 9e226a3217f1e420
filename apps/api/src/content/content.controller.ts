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
    summary: 'Page spans of the document text; with `page`, that page’s text and the sentences on it',
    description: 'Offsets are [start, end) into the document text, the same as in citations.',
  })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiResponse({
    status: 200,
    description: '{documentId, format, pageCount, pages: [{number, start, end, text?, sentences?}]}',
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 404, ...PROBLEM })
  async pages(@Auth() auth: AuthContext, @Param('id') id: string, @Query() query: unknown) {
    return this.content.pages(auth.tenantId, id, query);
  }

  @Get(':id/sections')
  @ApiOperation({ summary: 'Sections (title, level, page, offsets and structure role when detected)' })
  @ApiResponse({ status: 200, description: '{documentId, sections: [{index, title, level, page, start, end, role?}]}' })
  @ApiResponse({ status: 404, ...PROBLEM })
  async sections(@Auth() auth: AuthContext, @Param('id') id: string) {
    return this.content.sections(auth.tenantId, id);
  }
}
