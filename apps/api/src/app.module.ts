import { Module, type DynamicModule } from '@nestjs/common';
import { AttachmentModule } from './attachment/attachment.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { CampaignModule } from './campaign/campaign.module.js';
import { HealthController } from './health/health.controller.js';
import { InboxModule } from './inbox/inbox.module.js';
import { InspectionModule } from './inspection/inspection.module.js';
import { InfrastructureModule, type ApiDependencies } from './infrastructure/infrastructure.module.js';
import { NotificationModule } from './notification/notification.module.js';
import { OrgModule } from './org/org.module.js';
import { RectificationModule } from './rectification/rectification.module.js';
import { ReportModule } from './report/report.module.js';
import { ImportModule } from './import/import.module.js';
import { TaskListModule } from './task-list/task-list.module.js';
import { TaskTemplatesModule } from './task-templates/task-templates.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(deps: ApiDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(deps), AuditModule, AuthModule, OrgModule, RectificationModule, AttachmentModule, InboxModule, NotificationModule, CalendarModule, UsersModule, InspectionModule, ReportModule, ImportModule, TaskListModule, TaskTemplatesModule, CampaignModule],
      controllers: [HealthController],
    };
  }
}
