import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

const DOCUMENT_ID = 'urn:tracker:openapi';

/** A JSON Pointer segment, as it goes into a URI fragment. */
const segment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Checks bodies against the response schemas an OpenAPI 3.1 document gives an operation, with
 * Ajv's JSON Schema 2020-12 (the dialect of OpenAPI 3.1), resolving the document's own `$ref`s.
 */
export const responseChecker = (document: Json) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  return (path: string, method: string, status: number, body: unknown): string[] => {
    const operation = (document.paths as Json)[path] as Json | undefined;
    const content = (
      ((operation?.[method] as Json | undefined)?.responses as Json | undefined)?.[
        String(status)
      ] as Json | undefined
    )?.content as Json | undefined;
    if (!content?.['application/json']) {
      return [`${method.toUpperCase()} ${path} documents no application/json ${status} response`];
    }
    const pointer = [
      'paths',
      path,
      method,
      'responses',
      String(status),
      'content',
      'application/json',
      'schema',
    ]
      .map(segment)
      .join('/');
    const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer}` });
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  };
};

const VALIDATE_API = join(__dirname, '..', '..', 'node_modules', '.bin', 'validate-api');

/**
 * Runs @seriousme/openapi-schema-validator's own CLI (`validate-api`, the official OpenAPI JSON
 * Schemas, every $ref resolved) on a document, in a process of its own (it is an ES module).
 */
export const validateApi = async (
  document: unknown,
): Promise<{ status: number | null; output: string }> => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    return await new Promise((resolve) => {
      execFile(VALIDATE_API, [file], { timeout: 120_000 }, (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ status, output: `${stdout}${stderr}` });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
