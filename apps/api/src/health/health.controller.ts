import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import { pingDatabase } from '@duban/persistence';
import { Public } from '../common/actor.decorator.js';
import { DATABASE, TEMPORAL_CLIENT } from '../infrastructure/tokens.js';

interface HealthReport {
  status: 'ok' | 'degraded';
  temporal: boolean;
  database: boolean;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Connection,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: '健康检查：Temporal 与数据库是否可达' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const [temporal, database] = await Promise.all([this.temporalReachable(), pingDatabase(this.database)]);
    const ok = temporal && database;
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'degraded', temporal, database };
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
  ready(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    return this.check(response);
  }

  private async temporalReachable(): Promise<boolean> {
    try {
      await this.temporal.connection.withDeadline(Date.now() + 2_000, () => this.temporal.workflowService.getSystemInfo({}));
      return true;
    } catch {
      return false;
    }
  }
}
