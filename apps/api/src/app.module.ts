import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { HealthController } from './health/health.controller.js';
import { InboxModule } from './inbox/inbox.module.js';
import { InfrastructureModule, type ApiDependencies } from './infrastructure/infrastructure.module.js';
import { OrgModule } from './org/org.module.js';
import { RectificationModule } from './rectification/rectification.module.js';

@Module({})
export class AppModule {
  static forRoot(deps: ApiDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(deps), AuthModule, OrgModule, RectificationModule, InboxModule],
      controllers: [HealthController],
    };
  }
}
