import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import { workerIsUp } from '@duban/contracts';
import { WorkerHeartbeatRepository, pingDatabase } from '@duban/persistence';
import { Public } from '../common/actor.decorator.js';
import { API_SETTINGS, DATABASE, TEMPORAL_CLIENT, type ApiSettings } from '../infrastructure/tokens.js';

interface ReadinessReport {
  status: 'ok' | 'degraded';
  temporal: boolean;
  database: boolean;
}

interface SystemReport extends ReadinessReport {
  api: true;
  worker: boolean;
}

const CHECK_DEADLINE_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly heartbeats: WorkerHeartbeatRepository;

  constructor(
    @Inject(DATABASE) private readonly database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {
    this.heartbeats = new WorkerHeartbeatRepository(database);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: '系统健康检查：API、Temporal、数据库与工作进程（worker）各自是否正常；全部正常 200，否则 503' })
  async check(@Res({ passthrough: true }) response: Response): Promise<SystemReport> {
    const { temporal, database } = await this.dependencies();
    const worker = database && (await this.workerPolling());
    return answer(response, { api: true, temporal, database, worker });
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: '存活检查：API 进程在运行（不检查依赖）' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: '就绪检查：Temporal 与数据库均可达时 200，否则 503（负载均衡据此摘除实例）' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    return answer(response, await this.dependencies());
  }

  private async dependencies(): Promise<{ temporal: boolean; database: boolean }> {
    const [temporal, database] = await Promise.all([this.temporalReachable(), pingDatabase(this.database)]);
    return { temporal, database };
  }

  private async temporalReachable(): Promise<boolean> {
    try {
      await this.temporal.connection.withDeadline(Date.now() + CHECK_DEADLINE_MS, () => this.temporal.workflowService.getSystemInfo({}));
      return true;
    } catch {
      return false;
    }
  }

  /** A worker on this API's task queue has recorded a recent heartbeat (apps/worker/src/heartbeat.ts). */
  private async workerPolling(): Promise<boolean> {
    try {
      return workerIsUp(await this.heartbeats.latest(this.settings.taskQueue, CHECK_DEADLINE_MS), new Date());
    } catch {
      return false;
    }
  }
}

/** 200 with `ok` when every part checked is up, else 503 with `degraded`; the parts as they were found. */
function answer<Parts extends Record<string, boolean>>(response: Response, parts: Parts): Parts & { status: 'ok' | 'degraded' } {
  const ok = Object.values(parts).every(Boolean);
  response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
  return { status: ok ? 'ok' : 'degraded', ...parts };
}
