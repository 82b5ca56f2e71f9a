import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { Authenticate } from '../auth/authenticate.decorator';
import { TrackerMetrics } from '../metrics/tracker-metrics';
import { StatusGauges } from './status-gauges';

/** Prometheus text exposition: process metrics, HTTP, ingest, store, projection and fan-out. */
@Authenticate('public') // scraped from inside the cluster; holds no call data
@ApiTags('health')
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: TrackerMetrics,
    private readonly gauges: StatusGauges,
  ) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description: 'Prometheus text exposition format 0.0.4 (names and labels: README, Metrics)',
    schema: { type: 'string' },
  })
  @Header('content-type', prometheusContentType)
  async scrape(): Promise<string> {
    await this.gauges.refresh();
    return this.metrics.registry.metrics();
  }
}
