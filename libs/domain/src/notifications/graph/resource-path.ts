/** What a Graph `resourceUrl` points at, with ids exactly as they appear in it. */
export type GraphResource =
  | { readonly kind: 'call'; readonly rawCallId: string }
  | { readonly kind: 'operation'; readonly rawCallId: string; readonly rawOperationId: string }
  | { readonly kind: 'participants'; readonly rawCallId: string }
  | { readonly kind: 'participant'; readonly rawCallId: string; readonly rawParticipantId: string }
  | {
      readonly kind: 'contentSharingSession';
      readonly rawCallId: string;
      readonly rawSessionId: string;
    }
  | { readonly kind: 'other'; readonly rawCallId: string; readonly subresource: string };

/**
 * Accepts `/communications/calls/{id}/…`, the same without the leading `/` (seen in the
 * startHoldMusic sample), the deprecated `/app/calls/{id}/…`, and absolute URLs with a version
 * segment (`https://graph.microsoft.com/v1.0/communications/calls/…`). Segment names match in any
 * case (`contentsharingsessions`). Anything that does not name a call gives undefined.
 */
export const parseGraphResourcePath = (path: string): GraphResource | undefined => {
  const segments = path
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '')
    .replace(/[?#].*$/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map(decodeSegment);
  const callsAt = findCallsSegment(segments);
  if (callsAt === undefined) return undefined;
  const [rawCallId, ...rest] = segments.slice(callsAt + 1);
  if (rawCallId === undefined) return undefined;
  return classify(rawCallId, rest);
};

const ROOTS = new Set(['communications', 'app']);

const findCallsSegment = (segments: string[]): number | undefined => {
  const start = /^(v\d+(\.\d+)?|beta)$/i.test(segments[0] ?? '') ? 1 : 0;
  const first = segments[start]?.toLowerCase();
  if (first !== undefined && ROOTS.has(first) && segments[start + 1]?.toLowerCase() === 'calls') {
    return start + 1;
  }
  return first === 'calls' ? start : undefined;
};

const classify = (rawCallId: string, rest: string[]): GraphResource => {
  const [collection, item, ...deeper] = rest;
  if (collection === undefined) return { kind: 'call', rawCallId };
  const name = collection.toLowerCase();
  if (deeper.length === 0) {
    if (name === 'operations' && item !== undefined) {
      return { kind: 'operation', rawCallId, rawOperationId: item };
    }
    if (name === 'participants') {
      return item === undefined
        ? { kind: 'participants', rawCallId }
        : { kind: 'participant', rawCallId, rawParticipantId: item };
    }
    if (name === 'contentsharingsessions' && item !== undefined) {
      return { kind: 'contentSharingSession', rawCallId, rawSessionId: item };
    }
  }
  return { kind: 'other', rawCallId, subresource: rest.join('/') };
};

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};
