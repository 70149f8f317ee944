import { Module } from '@nestjs/common';
import { WebhookTargets } from '@duban/webhooks';
import { EMPTY_WEBHOOK_ALLOW_LIST } from '@duban/config';
import { API_SETTINGS, type ApiSettings } from '../infrastructure/tokens.js';
import { NotificationController } from './notification.controller.js';
import { WebhookChannelController } from './webhook-channel.controller.js';

@Module({
  controllers: [NotificationController, WebhookChannelController],
  providers: [
    {
      provide: WebhookTargets,
      useFactory: (settings: ApiSettings) => new WebhookTargets(settings.webhookAllowList ?? EMPTY_WEBHOOK_ALLOW_LIST),
      inject: [API_SETTINGS],
    },
  ],
})
export class NotificationModule {}
