import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { WEBHOOK_KINDS, type WebhookKind } from '@duban/persistence';

export class CreateWebhookChannelDto {
  @ApiProperty({ enum: WEBHOOK_KINDS, description: 'dingtalk 钉钉群机器人；wecom 企业微信群机器人；json 通用 JSON 回调' })
  @IsIn(WEBHOOK_KINDS)
  kind!: WebhookKind;

  @ApiProperty({ description: '渠道名称', example: '水利局工作群' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name 不能为空白' })
  name!: string;

  @ApiProperty({ description: '机器人或回调的 Webhook 地址（http 或 https）', example: 'https://oapi.dingtalk.com/robot/send?access_token=…' })
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url 须为 http:// 或 https:// 开头的地址' })
  url!: string;

  @ApiPropertyOptional({ description: '钉钉机器人“加签”密钥（SEC…）；只写不读，应答中只显示是否已设置', writeOnly: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  secret?: string;

  @ApiPropertyOptional({ description: '是否启用', default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
