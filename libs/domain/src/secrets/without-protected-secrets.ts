/**
 * Stored event data as it may leave the store (Kafka, query responses, the CLI): without the
 * sealed secrets, which only the store keeps.
 */
export const withoutProtectedSecrets = <T>(data: T): T => {
  if (typeof data !== 'object' || data === null || !('protectedSecrets' in data)) return data;
  const copy = { ...data } as Record<string, unknown>;
  delete copy.protectedSecrets;
  return copy as T;
};
