import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ADMIN_PAGE_CSP, loadStaticFiles, type StaticFile, staticDirectory } from './static-files';

/**
 * Serves the operator's rules page at /admin/ from the files in libs/admin-ui/static. The page
 * itself is public; everything it shows comes from /api/v1 with the token the operator types.
 */
@ApiExcludeController()
@Controller('admin')
export class AdminPageController {
  private readonly files: Map<string, StaticFile>;

  constructor() {
    this.files = loadStaticFiles(staticDirectory(__dirname));
  }

  @Get()
  index(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    const path = new URL(requestPath(request), 'http://bridge').pathname;
    if (!path.endsWith('/')) {
      // The page's links are relative (so it works behind a path prefix): they need the slash.
      response.writeHead(301, { Location: 'admin/' }).end();
      return;
    }
    this.send(request, response, 'index.html');
  }

  @Get(':file')
  file(
    @Param('file') name: string,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): void {
    this.send(request, response, name);
  }

  private send(request: IncomingMessage, response: ServerResponse, name: string): void {
    // A name is only ever a key of the loaded files: `..`, encoded slashes and the like miss.
    const file = this.files.get(name);
    if (!file) throw new NotFoundException(`No such file: /admin/${name}`);
    response.setHeader('Content-Security-Policy', ADMIN_PAGE_CSP);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('ETag', file.etag);
    if (request.headers['if-none-match'] === file.etag) {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.body.length,
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }
}

function requestPath(request: IncomingMessage): string {
  return (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '/';
}
