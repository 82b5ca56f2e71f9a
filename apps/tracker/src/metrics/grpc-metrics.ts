import {
  ResponderBuilder,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import { TrackerMetrics } from './tracker-metrics';

/**
 * Times every gRPC call by method and the status it ends with. A grpc-js server interceptor, so it
 * sees what Nest's handlers and filters never do: calls refused by the auth guard, deadlines,
 * health and reflection. Calls that end without a status from the server (the client cancelled)
 * are not counted.
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
