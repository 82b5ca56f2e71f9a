/**
 * A call's stream kept changing under this writer through every retry: other writers (requests or
 * instances) won each time. Not an outage: the platform should redeliver, and it will then succeed.
 */
export class StreamContendedError extends Error {
  override readonly name = 'StreamContendedError';
  constructor(
    readonly callId: string,
    readonly attempts: number,
  ) {
    super(`call ${callId}: the stream changed under every one of ${attempts} attempts`);
  }
}
