/** `host:port`, with an IPv6 host in brackets (`[::]:5000`): what a server binds and a client dials. */
export const hostPort = (host: string, port: number): string =>
  `${host.includes(':') ? `[${host}]` : host}:${port}`;

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The address a socket really listens on, for the start-up log. Not a URL to click: Nest's getUrl
 * says 127.0.0.1 for a socket bound to 0.0.0.0, which hid that the port is open on every
 * interface.
 */
export const describeListenAddress = (host: string, port: number): string =>
  WILDCARDS.has(host)
    ? `${hostPort(host || '0.0.0.0', port)} (all interfaces)`
    : hostPort(host, port);
