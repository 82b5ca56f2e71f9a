import { describeListenAddress, hostPort } from './listen-address';

describe('listen addresses in the start-up log', () => {
  it('names the address the socket is bound to, and says when that is every interface', () => {
    expect(describeListenAddress('0.0.0.0', 3000)).toBe('0.0.0.0:3000 (all interfaces)');
    expect(describeListenAddress('::', 5000)).toBe('[::]:5000 (all interfaces)');
    expect(describeListenAddress('127.0.0.1', 3000)).toBe('127.0.0.1:3000');
    expect(describeListenAddress('::1', 5000)).toBe('[::1]:5000');
  });

  it('brackets IPv6 hosts', () => {
    expect(hostPort('fe80::1', 1)).toBe('[fe80::1]:1');
    expect(hostPort('10.0.0.1', 1)).toBe('10.0.0.1:1');
  });
});
