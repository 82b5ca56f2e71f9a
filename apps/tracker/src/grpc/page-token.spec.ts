import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { decodePageToken, encodePageToken, pageSize } from './page-token';

const codeOf = (thunk: () => unknown): number | undefined => {
  try {
    thunk();
    return undefined;
  } catch (error) {
    return ((error as RpcException).getError() as { code: number }).code;
  }
};

describe('ListCalls page tokens and sizes', () => {
  it('round-trips the cursor through an opaque base64url token', () => {
    const cursor = {
      updatedAt: '2026-11-21T10:00:00.000Z',
      callId: '57dab8b1-894c-409a-b240-bd8beae78896',
    };
    const token = encodePageToken(cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token)).toEqual(cursor);
    expect(decodePageToken('')).toBeUndefined();
  });

  it.each(['not a token', 'e30', Buffer.from('[1]').toString('base64url'), '%%%'])(
    'rejects %s with INVALID_ARGUMENT',
    (token) => expect(codeOf(() => decodePageToken(token))).toBe(status.INVALID_ARGUMENT),
  );

  it('defaults to 50, allows up to 500, rejects the rest', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(0)).toBe(50);
    expect(pageSize(500)).toBe(500);
    for (const bad of [-1, 501, 1.5]) {
      expect(codeOf(() => pageSize(bad))).toBe(status.INVALID_ARGUMENT);
    }
  });
});
