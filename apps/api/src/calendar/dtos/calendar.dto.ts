import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Length, Max, Min, Validate } from 'class-validator';
import { CalendarDateConstraint } from '../../common/dates.js';

/** The longest range GET /api/calendar/days answers, in days. */
export const MAX_DAYS_PER_QUERY = 400;

export class OverridesQueryDto {
  @ApiProperty({ description: '年份', example: 2027, minimum: 2000, maximum: 2100 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;
}

export class DaysQueryDto {
  @ApiProperty({ description: '起始日期（含）', example: '2027-01-01' })
  @IsString()
  @Validate(CalendarDateConstraint)
  from!: string;

  @ApiProperty({ description: `截止日期（含），与起始日期相隔不超过 ${MAX_DAYS_PER_QUERY} 天`, example: '2027-01-31' })
  @IsString()
  @Validate(CalendarDateConstraint)
  to!: string;
}

export class PutOverrideDto {
  @ApiProperty({ description: 'true：上班（如调休上班）；false：放假', example: false })
  @IsBoolean()
  working!: boolean;

  @ApiProperty({ description: '名称', example: '元旦' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 50)
  name!: string;
}
