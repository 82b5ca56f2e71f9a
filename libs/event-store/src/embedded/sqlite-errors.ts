import { StoreUnavailableError } from '../port/errors';

/** SQLite result codes (and their extended forms, e.g. SQLITE_IOERR_WRITE) that mean "retry later". */
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
];

export const isUnavailable = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    UNAVAILABLE_CODES.some((c) => code === c || code.startsWith(`${c}_`))
  );
};

export const toStoreError = (error: unknown): unknown =>
  isUnavailable(error)
    ? new StoreUnavailableError(`embedded store unavailable: ${(error as Error).message}`, error)
    : error;
