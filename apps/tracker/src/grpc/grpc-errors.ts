import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { canonicalId } from '@tracker/domain';

/** The same rule as the REST paths: GUIDs in either form, or the platform's own opaque ids. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:@=+-]{0,199}$/;

export const invalidArgument = (message: string): RpcException =>
  new RpcException({ code: status.INVALID_ARGUMENT, message });

export const notFound = (message: string): RpcException =>
  new RpcException({ code: status.NOT_FOUND, message });

/** The canonical form of a request id, or INVALID_ARGUMENT naming the field. */
export const requireId = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw invalidArgument(
      `${field} must be 1-200 characters of letters, digits and . _ : @ = + - (got ${JSON.stringify(value ?? '')})`,
    );
  }
  return canonicalId(value);
};
