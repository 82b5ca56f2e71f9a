import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { canonicalId } from '@tracker/domain';
import { ID_RULE, isValidId } from '../http/valid-id';

export const invalidArgument = (message: string): RpcException =>
  new RpcException({ code: status.INVALID_ARGUMENT, message });

export const notFound = (message: string): RpcException =>
  new RpcException({ code: status.NOT_FOUND, message });

export const failedPrecondition = (message: string): RpcException =>
  new RpcException({ code: status.FAILED_PRECONDITION, message });

/** The canonical form of a request id, or INVALID_ARGUMENT naming the field. */
export const requireId = (field: string, value: unknown): string => {
  // The same rule as the REST paths.
  if (!isValidId(value)) {
    throw invalidArgument(`${field} ${ID_RULE} (got ${JSON.stringify(value ?? '')})`);
  }
  return canonicalId(value);
};
