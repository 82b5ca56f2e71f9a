import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { leanBind, useLeanAsyncBind } from './lean-async-bind';

type Bind = Parameters<typeof leanBind>[0];

describe('leanBind', () => {
  const nodeBind = AsyncResource.prototype.bind as unknown as Bind;
  const lean = leanBind(nodeBind);
  const bind = <F extends (...args: never[]) => unknown>(fn: F, thisArg?: unknown): F =>
    lean.call(new AsyncResource('test'), fn as never, thisArg) as unknown as F;

  it('binds without the deprecated asyncResource accessor', () => {
    const bound = bind(() => 1);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
    expect(bound()).toBe(1);
  });

  it('runs the function in the async context it was bound in, not the caller’s', async () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('at bind', () => bind(() => storage.getStore()));
    const seen = await storage.run(
      'at call',
      () => new Promise((resolve) => setImmediate(() => resolve(bound()))),
    );
    expect(seen).toBe('at bind');
  });

  it('keeps the caller’s this, or the one given, and the arguments and length', () => {
    function named(this: { n: number } | undefined, a: number, b: number) {
      return (this?.n ?? 0) + a + b;
    }
    const passThrough = bind(named);
    expect(passThrough.length).toBe(2);
    expect(passThrough.call({ n: 10 }, 1, 2)).toBe(13);
    expect(bind(named, { n: 100 }).call({ n: 10 }, 1, 2)).toBe(103);
  });

  it('leaves what is not a function to Node’s bind, which refuses it', () => {
    const refusal = (bindWith: Bind) => {
      try {
        bindWith.call(new AsyncResource('test'), null as never);
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
      return undefined;
    };
    expect(refusal(lean)).toEqual(refusal(nodeBind));
    expect(refusal(lean)?.code).toBe('ERR_INVALID_ARG_TYPE');
  });
});

describe('useLeanAsyncBind', () => {
  const original = Object.getOwnPropertyDescriptor(AsyncResource.prototype, 'bind')!;
  afterEach(() => Object.defineProperty(AsyncResource.prototype, 'bind', original));

  it('installs the lean bind on a Node whose bound functions have the accessor', () => {
    const hasAccessor = (bind: unknown) =>
      Object.getOwnPropertyDescriptor(
        (bind as Bind).call(new AsyncResource('test'), () => 1),
        'asyncResource',
      )?.get !== undefined;
    const nodeHasIt = hasAccessor(AsyncResource.prototype.bind);
    expect(useLeanAsyncBind()).toBe(nodeHasIt);
    expect(hasAccessor(AsyncResource.prototype.bind)).toBe(false);
  });

  it('leaves a bind without the accessor alone', () => {
    const plain: Bind = function (this: AsyncResource, fn) {
      return (...args: unknown[]) => this.runInAsyncScope(fn, undefined, ...args);
    };
    Object.defineProperty(AsyncResource.prototype, 'bind', { configurable: true, value: plain });
    expect(useLeanAsyncBind()).toBe(false);
    expect(AsyncResource.prototype.bind).toBe(plain);
  });
});
