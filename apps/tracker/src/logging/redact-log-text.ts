import { SECRET_KEYS } from '@tracker/domain';

const REDACTED = '[redacted]';

// The domain's secret members (recording tokens), and the usual credential names besides.
const SECRET_MEMBER = [
  ...SECRET_KEYS,
  'token',
  'accessToken',
  'password',
  'secret',
  'apiKey',
  'api_key',
  'authorization',
].join('|');

// Credentials that could reach a log line through an error message or a payload excerpt.
const RULES: ReadonlyArray<[RegExp, string]> = [
  // JSON members with secret names, whatever the value ("recordingAccessToken":"…").
  [new RegExp(`("(?:${SECRET_MEMBER})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // A JSON string cut short (error excerpts end in `…`): hide the rest of the line.
  [new RegExp(`("(?:${SECRET_MEMBER})"\\s*:\\s*)"[^"\\n]*$`, 'gim'), `$1"${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  // Anything shaped like a JWT.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // user:password@ in connection strings (esdb://admin:changeit@host).
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/** A log line with credentials masked; applied to every line the service writes. */
export const redactLogText = (text: string): string =>
  RULES.reduce((line, [pattern, replacement]) => line.replace(pattern, replacement), text);
