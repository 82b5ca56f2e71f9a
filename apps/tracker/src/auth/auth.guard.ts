import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Metadata, status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ProblemException, unavailable } from '../http/problem';
import { ApiKeys } from './api-keys';
import { AuthCounters } from './auth-counters';
import { CALLER, Caller } from './authenticate.decorator';
import { AuthRejected, AuthUnavailable, JwtVerifier } from './jwt-verifier';

interface Credentials {
  readonly bearer?: string;
  readonly apiKey?: string;
  readonly from: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const httpCredentials = (request: FastifyRequest): Credentials => {
  const apiKey = request.headers['x-api-key'];
  return {
    bearer: BEARER.exec(request.headers.authorization ?? '')?.[1],
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    from: request.ip,
  };
};

const rpcCredentials = (metadata: Metadata): Credentials => {
  const first = (key: string) => {
    const value = metadata.get(key)[0];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    bearer: BEARER.exec(first('authorization') ?? '')?.[1],
    apiKey: first('x-api-key'),
    from: 'grpc',
  };
};

/**
 * Runs before any pipe or handler, so a rejected request is never parsed further or stored.
 * Webhooks (graph, acs, eventGrid) need the platform's signed token unless AUTH_MODE=none; everything else
 * but `public` needs an API key when API_KEYS is set.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly apiKeys: ApiKeys;
  private readonly verifiers: Partial<Record<'graph' | 'acs' | 'eventGrid', JwtVerifier>>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reflector: Reflector,
    private readonly counters: AuthCounters,
  ) {
    const { auth } = config;
    this.apiKeys = new ApiKeys(auth.apiKeys);
    const options = {
      clockSkewSeconds: auth.clockSkewSeconds,
      jwksCooldownSeconds: auth.jwksCooldownSeconds,
    };
    this.verifiers = {
      ...(auth.graph ? { graph: new JwtVerifier(auth.graph, options) } : {}),
      ...(auth.acs ? { acs: new JwtVerifier(auth.acs, options) } : {}),
      ...(auth.eventGrid ? { eventGrid: new JwtVerifier(auth.eventGrid, options) } : {}),
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const caller =
      this.reflector.getAllAndOverride<Caller>(CALLER, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'client';
    if (caller === 'public') return true;
    const rpc = context.getType() === 'rpc';
    const credentials = rpc
      ? rpcCredentials(context.switchToRpc().getContext<Metadata>())
      : httpCredentials(context.switchToHttp().getRequest<FastifyRequest>());
    try {
      await this.check(caller, credentials);
      return true;
    } catch (error) {
      if (error instanceof AuthRejected) {
        this.counters.reject(caller, error.reason, credentials.from);
      }
      throw rpc ? toRpcError(error) : toHttpError(error);
    }
  }

  private async check(caller: Exclude<Caller, 'public'>, credentials: Credentials): Promise<void> {
    if (caller === 'client') {
      if (!this.apiKeys.required) return;
      const key = credentials.apiKey ?? credentials.bearer;
      if (key === undefined) throw new AuthRejected('missing credentials');
      if (!this.apiKeys.accepts(key)) throw new AuthRejected('unknown api key');
      return;
    }
    if (this.config.auth.mode === 'none') return;
    const verifier = this.verifiers[caller];
    if (!verifier) throw new AuthRejected('source not configured');
    if (credentials.bearer === undefined) throw new AuthRejected('missing credentials');
    await verifier.verify(credentials.bearer);
  }
}

const toHttpError = (error: unknown): unknown => {
  if (error instanceof AuthRejected) {
    return new ProblemException(
      HttpStatus.UNAUTHORIZED,
      { error: 'unauthorized', message: `request not authenticated: ${error.reason}` },
      { 'WWW-Authenticate': 'Bearer realm="call-operation-tracker", error="invalid_token"' },
    );
  }
  if (error instanceof AuthUnavailable) {
    return unavailable('auth_unavailable', 'cannot verify the token right now; retry later');
  }
  return error;
};

const toRpcError = (error: unknown): unknown => {
  if (error instanceof AuthRejected) {
    return new RpcException({
      code: status.UNAUTHENTICATED,
      message: `request not authenticated: ${error.reason}`,
    });
  }
  if (error instanceof AuthUnavailable) {
    return new RpcException({ code: status.UNAVAILABLE, message: 'cannot verify credentials' });
  }
  return error;
};
