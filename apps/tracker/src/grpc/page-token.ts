import { invalidArgument } from './grpc-errors';

export interface CallCursor {
  readonly updatedAt: string;
  readonly callId: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Opaque to clients: base64url of the last call's `{updatedAt, callId}`. */
export const encodePageToken = (cursor: CallCursor): string =>
  Buffer.from(JSON.stringify({ u: cursor.updatedAt, c: cursor.callId }), 'utf8').toString(
    'base64url',
  );

export const decodePageToken = (token: string): CallCursor | undefined => {
  if (token === '') return undefined;
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument('page_token is not a token this service gave');
  }
  const { u, c } = (parsed ?? {}) as { u?: unknown; c?: unknown };
  if (typeof u !== 'string' || typeof c !== 'string' || c === '') {
    throw invalidArgument('page_token is not a token this service gave');
  }
  return { updatedAt: u, callId: c };
};

export const pageSize = (requested: number | undefined): number => {
  const size = requested ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw invalidArgument(
      `page_size must be from 0 (meaning ${DEFAULT_PAGE_SIZE}) to ${MAX_PAGE_SIZE} (got ${size})`,
    );
  }
  return size === 0 ? DEFAULT_PAGE_SIZE : size;
};
