import type { Notification } from './notification';

/** One notification ready to become a command: normalized, plus the payload as received. */
export interface ParsedNotification {
  readonly notification: Notification;
  /** The notification's own payload (one `commsNotification`, one CloudEvent, one response body), secrets removed. */
  readonly payload: unknown;
  /** JSON Pointers of the secrets removed from `payload`. */
  readonly redactedPaths: readonly string[];
  /** The removed secret values, for the edge to encrypt (`protectedSecrets`). Never log them. */
  readonly secrets: Readonly<Record<string, unknown>>;
}

/** What is wrong with an input, at a JSON Pointer into the request body. */
export interface InputError {
  readonly path: string;
  readonly message: string;
  /** The request's envelope is wrong (batch bounds, nesting, a member the contract fixes). */
  readonly envelope?: true;
}

/** A well-formed item the tracker cannot file under a call (e.g. an Event Grid validation event). */
export interface SkippedInput {
  readonly path: string;
  readonly reason: string;
  readonly rawType?: string;
  /** Event Grid `SubscriptionValidationEvent`: the code the endpoint must echo back. */
  readonly validationCode?: string;
}

/**
 * Parsing is all or nothing: one malformed item makes the whole request malformed, so that the
 * edge can answer 400 and store nothing.
 */
export type ParseResult =
  | {
      readonly ok: true;
      readonly notifications: ParsedNotification[];
      readonly skipped: SkippedInput[];
    }
  | { readonly ok: false; readonly errors: InputError[] };

export const parsed = (
  notifications: ParsedNotification[],
  skipped: SkippedInput[] = [],
): ParseResult => ({ ok: true, notifications, skipped });

export const malformed = (errors: InputError[]): ParseResult => ({ ok: false, errors });
