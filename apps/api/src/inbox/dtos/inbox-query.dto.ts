import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/paging.js';
import { LIGHTS, STATUSES, type Light, type Status } from '@duban/domain';
import { UNIT_ID_PATTERN } from '../../rectification/dtos/register-rectification.dto.js';

export class InboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES, description: '状态；缺省为全部未办结' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: Status;

  @ApiPropertyOptional({ enum: LIGHTS, description: '亮灯' })
  @IsOptional()
  @IsIn(LIGHTS)
  light?: Light;

  @ApiPropertyOptional({ description: '单位 id：办公室、领导可按任一单位筛选；责任单位可按本单位或下级单位筛选，其他单位得到空页' })
  @IsOptional()
  @IsString()
  @Matches(UNIT_ID_PATTERN)
  unitId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: '只看本人登记交办的问题（我发起的），含已办结' })
  @IsOptional()
  @IsIn(['true', 'false'])
  mine?: 'true' | 'false';
}
