import { Module } from '@nestjs/common';
import { NotificationController } from './notification.controller.js';
import { WebhookChannelController } from './webhook-channel.controller.js';

@Module({ controllers: [NotificationController, WebhookChannelController] })
export class NotificationModule {}
