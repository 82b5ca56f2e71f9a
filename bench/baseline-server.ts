/**
 * The ingest ceiling: a bare Fastify server (the framework under the service's NestJS adapter) with
 * the same body limit, that parses the same JSON body on POST /api/calls and does nothing else. Its
 * own process; tells bench/run.ts its port over IPC. It binds request bodies with the service's
 * lean bind too (apps/tracker/src/http/lean-async-bind.ts): with Node 20's deprecated accessor this
 * server took 0.10–0.15 ms of CPU per request, with the lean bind 0.051, and a ceiling that pays it
 * while the service does not would flatter the service.
 */
import Fastify from 'fastify';
import { useLeanAsyncBind } from '../apps/tracker/src/http/lean-async-bind';

const main = async () => {
  useLeanAsyncBind();
  const app = Fastify({ bodyLimit: 1024 * 1024, logger: false });
  app.post('/api/calls', async (request, reply) => {
    const body = request.body as { value?: unknown[] };
    reply.code(202);
    return {
      accepted: Array.isArray(body?.value) ? body.value.length : 0,
      duplicates: 0,
      skipped: 0,
    };
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  process.send?.({ event: 'listening', port: address.port });
  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
};

main().catch((error) => {
  process.stderr.write(`baseline server failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
