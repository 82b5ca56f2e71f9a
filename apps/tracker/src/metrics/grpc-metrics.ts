import {
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import { TrackerMetrics } from './tracker-metrics';

/**
 * Times every gRPC call by method and the status it ends with. A grpc-js server interceptor, so it
 * counts every service on the port (the health service too) and every status a handler or a
 * filter sends (the auth guard's UNAUTHENTICATED included). Calls that grpc-js itself ends (the
 * client cancelled, the deadline passed) may not be counted: not tested.
 */
export const grpcMetricsInterceptor =
  (metrics: TrackerMetrics): ServerInterceptor =>
  (method, call) => {
    const started = process.hrtime.bigint();
    const responder = new ResponderBuilder()
      .withSendStatus((sent, next) => {
        metrics.grpcDuration.observe(
          { method: method.path, code: status[sent.code] ?? String(sent.code) },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        next(sent);
      })
      .build();
    return new ServerInterceptingCall(call, responder);
  };
