/** Exhaustiveness check for switches over tagged unions: adding a member breaks the build here. */
export const assertNever = (value: never, what = 'value'): never => {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
};
