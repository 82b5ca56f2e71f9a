import * as domain from '@tracker/domain';

describe('@tracker/domain', () => {
  it('exposes the model through its package name', () => {
    expect(Object.keys(domain).sort()).toEqual(
      expect.arrayContaining([
        'callStreamName',
        'canonicalId',
        'checkDeadlines',
        'commandFromHistory',
        'decide',
        'eventIdFor',
        'evolve',
        'evolveAll',
        'foldCall',
        'initialCallState',
        'isDuplicate',
        'nextDeadline',
        'notificationKey',
        'parseAcsEvents',
        'parseGraphNotifications',
        'parseOperationResponse',
        'recordCommand',
        'recordCommands',
        'redactSecrets',
        'toCallView',
        'toOperationView',
      ]),
    );
    expect(domain.CALL_EVENT_TYPES).toHaveLength(23);
  });
});
