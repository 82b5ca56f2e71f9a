import { AsyncResource } from 'node:async_hooks';

/**
 * Node 20's `AsyncResource#bind` gives every bound function a deprecated `asyncResource` accessor
 * (DEP0172), made of two fresh `util.deprecate` wrappers: about 16 µs per bind on this machine,
 * against 0.2 µs for the binding itself. Fastify binds one function per request with a body
 * (`ContentTypeParser.run`), so every webhook paid it on the event loop that answers HTTP (2–4 %
 * of that loop's busy time in a profile of the bench's ingest phase).
 *
 * This replaces `bind` with the same binding (the resource's async scope, `this` and `length` as
 * Node keeps them) minus the deprecated accessor, only on a Node whose bound functions still have
 * it. Nothing in this service or its dependencies reads that accessor.
 */
export const useLeanAsyncBind = (): void => {
  const probe = new AsyncResource('lean-async-bind-probe').bind(() => undefined);
  if (Object.getOwnPropertyDescriptor(probe, 'asyncResource')?.get === undefined) return;
  Object.defineProperty(AsyncResource.prototype, 'bind', {
    configurable: true,
    writable: true,
    value: leanBind,
  });
};

function leanBind<Fn extends (this: unknown, ...args: unknown[]) => unknown>(
  this: AsyncResource,
  fn: Fn,
  thisArg?: unknown,
): Fn {
  if (typeof fn !== 'function') {
    throw new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
  }
  const bound =
    thisArg === undefined
      ? passingThis(this, fn)
      : (...args: unknown[]) => this.runInAsyncScope(fn, thisArg, ...args);
  Object.defineProperty(bound, 'length', { configurable: true, value: fn.length });
  return bound as Fn;
}

/** A bound function called as a method runs `fn` with that `this`, as Node's does. */
const passingThis = (resource: AsyncResource, fn: (this: unknown, ...args: unknown[]) => unknown) =>
  function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
