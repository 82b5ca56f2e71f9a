import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity, type SecuritySchemeObject } from '@nestjs/swagger';

/**
 * Who may call a route or RPC:
 * - `graph` / `acs`: the platform's signed webhook token; `eventGrid`: an Event Grid delivery's
 *   Microsoft Entra ID token;
 * - `client`: an API key (read APIs, the bot's own operation responses) when API_KEYS is set;
 * - `public`: anyone (health probes, metrics scrapes).
 * Routes without the decorator are `client`, so a new endpoint is never open by accident.
 */
export type Caller = 'graph' | 'acs' | 'eventGrid' | 'client' | 'public';

export const CALLER = 'tracker:caller';

/** The OpenAPI security schemes, by name, that `Authenticate` documents on each route. */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'One of API_KEYS; needed only when the service runs with API_KEYS set',
  },
  apiKeyBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'The same API key as `Authorization: Bearer <key>`',
  },
  graphToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "Microsoft Graph's signed token (audience: the bot's app id); not with AUTH_MODE=none",
  },
  acsToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "ACS Call Automation's signed token (audience: the ACS resource id); not with AUTH_MODE=none",
  },
  eventGridToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "Event Grid's Microsoft Entra ID token (audience: EVENTGRID_AUTH_AUDIENCE); not with AUTH_MODE=none",
  },
};

const SECURITY: Record<Caller, Record<string, string[]>[]> = {
  graph: [{ graphToken: [] }],
  acs: [{ acsToken: [] }],
  eventGrid: [{ eventGridToken: [] }],
  client: [{ apiKey: [] }, { apiKeyBearer: [] }],
  public: [{}], // an empty requirement: anonymous
};

/** Sets who may call (for AuthGuard) and documents it in the OpenAPI document, from one place. */
export const Authenticate = (caller: Caller) =>
  applyDecorators(
    SetMetadata(CALLER, caller),
    ...SECURITY[caller].map((requirement) => ApiSecurity(requirement)),
  );
