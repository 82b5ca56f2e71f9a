import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SECURITY_SCHEMES } from '../auth/authenticate.decorator';
import { apiSchemas } from './api-schemas';

/** Served open (no API key, like /health and /metrics), outside Nest's guards. */
export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const DESCRIPTION = `Event-sourced tracker of Microsoft Graph and Azure Communication Services call and
media-operation state. Webhooks (tag \`ingest\`) answer 202 only once every notification is durably
stored; reads (tag \`queries\`) mirror the gRPC service. Every error has the Problem shape. The
values of CallView and OperationView are those published on the Kafka topics comms.call-state.v1
and comms.operation-state.v1 (JSON Schemas in libs/contracts).`;

/** The OpenAPI 3.1 document of every HTTP route, from the controllers' decorators. */
export const buildOpenApiDocument = (app: INestApplication): OpenAPIObject => {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Call operation tracker')
    .setDescription(DESCRIPTION)
    .setVersion('1');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, scheme);
  // Routes without @Authenticate need an API key (see AuthGuard): the same default here.
  builder.addSecurityRequirements('apiKey').addSecurityRequirements('apiKeyBearer');
  const document = SwaggerModule.createDocument(app, builder.build(), {
    autoTagControllers: false, // the tags come from ApiIngest / ApiRead
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...apiSchemas() },
  };
  return document;
};

/** Serves /openapi.json, built on first request; the page at /docs is DocsController. */
export const setupOpenApi = (app: INestApplication): void => {
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_PATH,
    raw: ['json'],
    ui: false,
  });
};
