import { AsyncResource } from 'node:async_hooks';

type Bindable = (this: unknown, ...args: unknown[]) => unknown;
type Bind = (this: AsyncResource, fn: Bindable, thisArg?: unknown) => Bindable;

/**
 * Node 20's `AsyncResource#bind` gives every bound function a deprecated `asyncResource` accessor
 * (DEP0172), made of two fresh `util.deprecate` wrappers: about 13 µs per bind in a loop, against
 * about 1 µs for this one (bench/hot-path-micro.ts, a new AsyncResource included), and more in a
 * server once its garbage is collected. Fastify binds
 * one function per request with a body (`ContentTypeParser.run`), on the event loop that answers
 * HTTP: with this, bare Fastify in the bench went from 0.10–0.15 ms of CPU per request to 0.051.
 *
 * This replaces `bind` with `leanBind` (the resource's async scope, `this` and `length` as Node
 * keeps them, without the deprecated accessor), only on a Node whose bound functions still have
 * the accessor. Nothing in this service or its dependencies reads it. Returns whether it did.
 */
export const useLeanAsyncBind = (): boolean => {
  const nodeBind = AsyncResource.prototype.bind as unknown as Bind;
  const probe = nodeBind.call(new AsyncResource('lean-async-bind-probe'), () => undefined);
  if (Object.getOwnPropertyDescriptor(probe, 'asyncResource')?.get === undefined) return false;
  Object.defineProperty(AsyncResource.prototype, 'bind', {
    configurable: true,
    writable: true,
    value: leanBind(nodeBind),
  });
  return true;
};

/** Node's bind without the accessor; whatever is not a function, Node's own bind refuses. */
export const leanBind = (nodeBind: Bind): Bind =>
  function bind(this: AsyncResource, fn: Bindable, thisArg?: unknown): Bindable {
    if (typeof fn !== 'function') return nodeBind.call(this, fn, thisArg);
    const bound =
      thisArg === undefined
        ? passingThis(this, fn)
        : (...args: unknown[]) => this.runInAsyncScope(fn, thisArg, ...args);
    Object.defineProperty(bound, 'length', { configurable: true, value: fn.length });
    return bound;
  };

/** A bound function called as a method runs `fn` with that `this`, as Node's does. */
const passingThis = (resource: AsyncResource, fn: Bindable) =>
  function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
