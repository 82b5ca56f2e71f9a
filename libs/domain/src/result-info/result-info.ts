import { field, isRecord, stringField } from '../kernel/json';
import { compact } from '../kernel/objects';

/**
 * The outcome code of an operation or a call (Graph `resultInfo`, ACS `resultInformation`).
 * `code`/`subcode` are numbers when the wire value is numeric (Graph sometimes sends `"400"`), and
 * kept as given otherwise; `rawCode`/`rawSubcode` are the wire values untouched.
 */
export interface ResultInfo {
  readonly code?: number | string;
  readonly subcode?: number | string;
  readonly message?: string;
  readonly rawCode?: number | string;
  readonly rawSubcode?: number | string;
}

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

const numberWhenNumeric = (value: unknown): number | string | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return NUMERIC.test(value) ? Number(value) : value;
  return undefined;
};

const rawScalar = (value: unknown): number | string | undefined =>
  typeof value === 'number' || typeof value === 'string' ? value : undefined;

export const parseResultInfo = (value: unknown): ResultInfo | undefined => {
  if (!isRecord(value)) return undefined;
  const rawCode = rawScalar(field(value, 'code'));
  const rawSubcode = rawScalar(field(value, 'subcode', 'subCode'));
  const message = stringField(value, 'message');
  if (rawCode === undefined && rawSubcode === undefined && message === undefined) return undefined;
  return compact({
    code: numberWhenNumeric(rawCode),
    subcode: numberWhenNumeric(rawSubcode),
    message,
    rawCode,
    rawSubcode,
  });
};

/** Codes of 400 and above are failures in both Graph and ACS. */
export const isFailureResult = (info: ResultInfo | undefined): boolean =>
  typeof info?.code === 'number' && info.code >= 400;
