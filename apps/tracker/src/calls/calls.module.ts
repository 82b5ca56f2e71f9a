import { BeforeApplicationShutdown, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@tracker/event-store';
import { deadlineBounds } from '@tracker/domain';
import {
  CallProjector,
  InlineQueries,
  Projection,
  ReadModelLock,
  ReadModelQueries,
  ReadModelStore,
} from '@tracker/read-model';
import { APP_CONFIG, AppConfig } from '../config/config';
import { IngestController } from '../ingest/ingest.controller';
import { IngestNotificationsHandler } from '../ingest/ingest-notifications.command';
import { QueryController } from '../query/query.controller';
import { CallCommandService } from './call-command.service';
import { DeadlineWatcher } from './deadline-watcher.service';
import { IngestCounters } from '../ingest/ingest-counters';
import { committedNow } from '../metrics/committed-batch';
import { lagObserver } from '../metrics/lag-observer';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { ProjectionThread } from './projection/projection-thread';
import { IncomingCallRecords } from '../ingest/incoming-call-records';
import { QueryThreads } from '../query/threads/query-threads';
import { readsRefusedCounter, registerQueriesWaiting } from '../query/threads/query-metrics';

const projectionLag = (metrics: TrackerMetrics) =>
  lagObserver(
    metrics.registry,
    'tracker_projection_lag_seconds',
    'Time from storing an event to committing it to the read model',
  );

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [IngestController, QueryController],
  providers: [
    CallCommandService,
    IngestCounters,
    IngestNotificationsHandler,
    IncomingCallRecords,
    DeadlineWatcher,
    {
      // Held while the service runs: `cli rebuild` refuses to reset the read model under it, and
      // the service does not start on a read model being rebuilt.
      provide: ReadModelLock,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ReadModelLock.share(config.readModelPath),
    },
    {
      provide: ReadModelStore,
      inject: [APP_CONFIG, ReadModelLock],
      useFactory: (config: AppConfig) => new ReadModelStore(config.readModelPath),
    },
    {
      provide: ReadModelQueries,
      inject: [APP_CONFIG, ReadModelStore, TrackerMetrics],
      useFactory: (config: AppConfig, readModel: ReadModelStore, metrics: TrackerMetrics) => {
        if (config.queryThreads === 0) return new InlineQueries(readModel);
        const refused = readsRefusedCounter(metrics.registry);
        const threads = new QueryThreads(
          { readModelPath: config.readModelPath },
          {
            threads: config.queryThreads,
            queueLimit: config.queryQueueLimit,
            onRefused: () => refused.inc(),
          },
          new Logger('Queries'),
        );
        for (const [name, osThreadId] of threads.threadIds) metrics.threads.set(name, osThreadId);
        registerQueriesWaiting(metrics.registry, () => threads.waiting);
        return threads;
      },
    },
    {
      provide: Projection,
      inject: [EVENT_STORE, ReadModelStore, APP_CONFIG, TrackerMetrics],
      useFactory: (
        store: EventStore,
        readModel: ReadModelStore,
        config: AppConfig,
        metrics: TrackerMetrics,
      ) => {
        const lag = projectionLag(metrics);
        if (config.projection === 'inline') {
          return new CallProjector(
            store,
            readModel,
            deadlineBounds(config.deadlines.bounds),
            new Logger('Projection'),
            { onCommitted: (batch) => lag(committedNow(batch)) },
          );
        }
        // ReadModelStore (above) only reads then: the thread is the read model's writer.
        const thread = new ProjectionThread(
          {
            store: config.store,
            readModelPath: config.readModelPath,
            bounds: config.deadlines.bounds,
          },
          store,
          new Logger('Projection'),
          lag,
        );
        metrics.threads.set('projection', () => thread.osThreadId);
        return thread;
      },
    },
  ],
  exports: [CallCommandService, ReadModelStore, ReadModelQueries, Projection, IngestCounters],
})
export class CallsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly projector: Projection,
    private readonly readModel: ReadModelStore,
    private readonly queries: ReadModelQueries,
    private readonly readModelLock: ReadModelLock,
  ) {}

  onApplicationBootstrap(): void {
    this.projector.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.projector.stop();
    await this.queries.close();
    this.readModel.close();
    this.readModelLock.release();
  }
}
