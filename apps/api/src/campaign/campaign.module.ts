import { Module } from '@nestjs/common';
import { RectificationModule } from '../rectification/rectification.module.js';
import { CampaignLedgerController } from './campaign-ledger.controller.js';
import { CampaignController } from './campaign.controller.js';
import { Campaigns } from './campaigns.usecases.js';

@Module({
  imports: [RectificationModule],
  controllers: [CampaignController, CampaignLedgerController],
  providers: [Campaigns],
  exports: [Campaigns],
})
export class CampaignModule {}
