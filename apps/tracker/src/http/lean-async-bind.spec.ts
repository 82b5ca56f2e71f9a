import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { useLeanAsyncBind } from './lean-async-bind';

describe('useLeanAsyncBind', () => {
  const original = Object.getOwnPropertyDescriptor(AsyncResource.prototype, 'bind')!;
  beforeAll(() => useLeanAsyncBind());
  afterAll(() => Object.defineProperty(AsyncResource.prototype, 'bind', original));

  it('binds without the deprecated asyncResource accessor', () => {
    const bound = new AsyncResource('test').bind(() => 1);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
    expect(bound()).toBe(1);
  });

  it('runs the function in the async context it was bound in', async () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('at bind', () =>
      new AsyncResource('test').bind(() => storage.getStore()),
    );
    const seen = await storage.run(
      'at call',
      () => new Promise((r) => setImmediate(() => r(bound()))),
    );
    expect(seen).toBe('at bind');
    expect(AsyncResource.bind(() => storage.getStore())()).toBeUndefined();
  });

  it('keeps the caller’s this, or the one given, and the arguments and length', () => {
    function named(this: { n: number } | undefined, a: number, b: number) {
      return (this?.n ?? 0) + a + b;
    }
    const resource = new AsyncResource('test');
    const passThrough = resource.bind(named);
    expect(passThrough.length).toBe(2);
    expect(passThrough.call({ n: 10 }, 1, 2)).toBe(13);
    // thisArg: in Node's API, not in @types/node's signature.
    const fixed = (resource.bind as (fn: typeof named, thisArg: unknown) => typeof named)(named, {
      n: 100,
    });
    expect(fixed.call({ n: 10 }, 1, 2)).toBe(103);
    expect(() => resource.bind(undefined as unknown as () => void)).toThrow(
      /"fn" argument must be of type function/,
    );
  });
});
