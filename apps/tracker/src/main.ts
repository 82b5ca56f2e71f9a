import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/config';
import { createApp } from './create-app';
import { describeListenAddress } from './listen-address';

const bootstrap = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`call-operation-tracker: ${error.message}\n`);
    process.exit(2);
  }
  const app = await createApp(config);
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const logger = new Logger('Bootstrap');
  const http = app.getHttpServer().address() as AddressInfo;
  logger.log(`HTTP listening on ${describeListenAddress(http.address, http.port)}`);
  logger.log(`gRPC listening on ${describeListenAddress(config.grpc.host, config.grpc.port)}`);

  // Close gracefully (finish queued appends, close the store file) and exit 0; a second signal
  // while closing exits at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    app.close().then(
      () => process.exit(0),
      (error) => {
        logger.error(`shutdown failed: ${error?.stack ?? error}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

bootstrap().catch((error) => {
  process.stderr.write(`call-operation-tracker failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
