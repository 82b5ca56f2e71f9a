import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authenticate } from '../auth/authenticate.decorator';
import { notFound } from '../http/problem';
import { DOCS_PATH, OPENAPI_PATH } from './setup-openapi';

// swagger-ui-dist ships no types; its one function says where its files are. (Not
// require.resolve: webpack, which builds the service, turns that into a module number.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getAbsoluteFSPath } = require('swagger-ui-dist') as { getAbsoluteFSPath(): string };

/** The Swagger UI files the page loads, served from the swagger-ui-dist package (no CDN). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Call operation tracker API</title>
  <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '${OPENAPI_PATH}',
      dom_id: '#swagger-ui',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;

/**
 * The API's docs page: Swagger UI reading /openapi.json. Served here rather than by
 * SwaggerModule's UI, which needs @fastify/static (whose dependencies are ES modules that Node
 * 20 before 20.19 cannot require).
 */
@Authenticate('public') // like /openapi.json: documentation holds no call data
@ApiExcludeController()
@Controller(DOCS_PATH.slice(1))
export class DocsController {
  private readonly cache = new Map<string, Buffer>();

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get(':asset')
  asset(@Param('asset') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) throw notFound('docs file', name);
    let content = this.cache.get(name);
    if (!content) {
      content = readFileSync(join(getAbsoluteFSPath(), name));
      this.cache.set(name, content);
    }
    reply.header('content-type', type).header('cache-control', 'public, max-age=3600');
    return content;
  }
}
