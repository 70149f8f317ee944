import { Global, Module, type DynamicModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { API_SETTINGS, CLOCK, DATABASE, TEMPORAL_CLIENT, type ApiSettings, type Clock } from './tokens.js';

export interface ApiDependencies {
  readonly database: Connection;
  readonly temporal: Client;
  readonly jwtSecret: string;
  readonly settings: ApiSettings;
  readonly clock: Clock;
}

/** Hands the connections built by the host (main or a test) to every module. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(deps: ApiDependencies): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [JwtModule.register({ global: true, secret: deps.jwtSecret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
      providers: [
        { provide: DATABASE, useValue: deps.database },
        { provide: TEMPORAL_CLIENT, useValue: deps.temporal },
        { provide: API_SETTINGS, useValue: deps.settings },
        { provide: CLOCK, useValue: deps.clock },
      ],
      exports: [DATABASE, TEMPORAL_CLIENT, API_SETTINGS, CLOCK],
    };
  }
}
