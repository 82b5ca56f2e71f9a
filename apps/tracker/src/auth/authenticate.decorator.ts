import { SetMetadata } from '@nestjs/common';

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

export const Authenticate = (caller: Caller) => SetMetadata(CALLER, caller);
