import { parseGraphResourcePath } from './resource-path';

describe('parseGraphResourcePath', () => {
  it.each([
    [
      '/communications/calls/57DAB8B1894C409AB240BD8BEAE78896',
      { kind: 'call', rawCallId: '57DAB8B1894C409AB240BD8BEAE78896' },
    ],
    ['communications/calls/abc', { kind: 'call', rawCallId: 'abc' }],
    [
      '/app/calls/e71f0300-9c1f-4d99-b5f4-2722e877d497',
      { kind: 'call', rawCallId: 'e71f0300-9c1f-4d99-b5f4-2722e877d497' },
    ],
    [
      'https://graph.microsoft.com/v1.0/communications/calls/abc',
      { kind: 'call', rawCallId: 'abc' },
    ],
    ['/beta/communications/calls/abc/', { kind: 'call', rawCallId: 'abc' }],
    [
      '/communications/calls/abc/operations/OP1',
      { kind: 'operation', rawCallId: 'abc', rawOperationId: 'OP1' },
    ],
    ['/communications/calls/abc/participants', { kind: 'participants', rawCallId: 'abc' }],
    [
      '/communications/calls/abc/participants/p1',
      { kind: 'participant', rawCallId: 'abc', rawParticipantId: 'p1' },
    ],
    [
      '/communications/calls/abc/contentsharingsessions/s1',
      { kind: 'contentSharingSession', rawCallId: 'abc', rawSessionId: 's1' },
    ],
    [
      '/Communications/Calls/abc/ContentSharingSessions/s1',
      { kind: 'contentSharingSession', rawCallId: 'abc', rawSessionId: 's1' },
    ],
    [
      '/communications/calls/abc/audioRoutingGroups/g1',
      { kind: 'other', rawCallId: 'abc', subresource: 'audioRoutingGroups/g1' },
    ],
    ['/communications/calls/a%20b', { kind: 'call', rawCallId: 'a b' }],
  ])('reads %s', (path, expected) => {
    expect(parseGraphResourcePath(path)).toEqual(expected);
  });

  it.each(['', '/', '/communications/calls', '/communications/onlineMeetings/x', '/users/abc'])(
    'finds no call in "%s"',
    (path) => {
      expect(parseGraphResourcePath(path)).toBeUndefined();
    },
  );
});
