import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { calendarDateRange, calendarDaysBetween, isoWeekday, isSupportedDate, SUPPORTED_YEARS, WEEKDAY_LABELS, type Actor } from '@duban/domain';
import { CalendarOverrideRepository, type CalendarOverrideRecord } from '@duban/persistence';
import { DAY_SOURCE_LABELS, loadCalendar, PACKAGE_YEARS, type ClassifiedDay, type DaySource } from '@duban/calendar';
import { ApiError } from '../common/api-error.js';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { DaysQueryDto, MAX_DAYS_PER_QUERY, OverridesQueryDto, PutOverrideDto } from './dtos/calendar.dto.js';

export interface OverrideView {
  date: string;
  working: boolean;
  name: string;
  updatedBy: string;
  updatedAt: string;
}

export interface DayView {
  date: string;
  /** 1 = 周一 … 7 = 周日 */
  dayOfWeek: number;
  dayOfWeekLabel: string;
  working: boolean;
  source: DaySource;
  sourceLabel: string;
  name: string | null;
}

const calendarDatePipe: PipeTransform<unknown, string> = {
  transform(value) {
    if (typeof value === 'string' && isSupportedDate(value)) return value;
    throw ApiError.badInput('date', `date 须为 ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last} 年间的日期（YYYY-MM-DD）`);
  },
};
const DateParam = () => Param('date', calendarDatePipe);

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarController {
  private readonly overrides: CalendarOverrideRepository;
  constructor(
    @Inject(DATABASE) private readonly database: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.overrides = new CalendarOverrideRepository(database);
  }

  @Get('overrides')
  @Roles('office', 'leader', 'unit', 'unit_leader', 'inspector', 'sysadmin') // not the auditor: the audit log only (三员分立)
  @ApiOperation({ summary: '某年的工作日调整（节假日、调休上班）；packageHasYear 表示节假日数据包是否已含该年' })
  async list(@Query() query: OverridesQueryDto): Promise<{ year: number; packageHasYear: boolean; items: OverrideView[] }> {
    const items = await this.overrides.findInRange(`${query.year}-01-01`, `${query.year}-12-31`);
    return { year: query.year, packageHasYear: PACKAGE_YEARS.has(query.year), items: items.map(toOverrideView) };
  }

  @Put('overrides/:date')
  @Roles('office', 'sysadmin')
  @ApiParam({ name: 'date', description: '日期 YYYY-MM-DD', example: '2027-01-01' })
  @ApiOperation({ summary: '设置某日放假或上班（覆盖节假日数据包）' })
  async put(@DateParam() date: string, @Body() body: PutOverrideDto, @CurrentActor() actor: Actor): Promise<OverrideView> {
    const record = await this.overrides.put({ date, working: body.working, name: body.name, updatedBy: actor.userId }, this.clock.now());
    return toOverrideView(record);
  }

  @Delete('overrides/:date')
  @HttpCode(204)
  @Roles('office', 'sysadmin')
  @ApiParam({ name: 'date', description: '日期 YYYY-MM-DD', example: '2027-01-01' })
  @ApiOperation({ summary: '删除某日的调整，恢复节假日数据包或周末规则' })
  async remove(@DateParam() date: string): Promise<void> {
    if (!(await this.overrides.remove(date))) throw ApiError.notFound(`${date} 的工作日调整`);
  }

  @Get('days')
  @Roles('office', 'leader', 'unit', 'unit_leader', 'inspector', 'sysadmin') // not the auditor: the audit log only (三员分立)
  @ApiOperation({ summary: `逐日工作日历（是否上班及依据），最多 ${MAX_DAYS_PER_QUERY} 天` })
  async days(@Query() query: DaysQueryDto): Promise<{ from: string; to: string; items: DayView[] }> {
    const span = calendarDaysBetween(query.from, query.to);
    if (span < 0) throw ApiError.badInput('to', 'to 不能早于 from');
    if (span + 1 > MAX_DAYS_PER_QUERY) throw ApiError.badInput('to', `to: 查询范围不能超过 ${MAX_DAYS_PER_QUERY} 天`);
    const calendar = await loadCalendar(this.database, query.from, query.to);
    return { from: query.from, to: query.to, items: calendarDateRange(query.from, query.to).map((date) => toDayView(calendar.classify(date))) };
  }
}

function toOverrideView(record: CalendarOverrideRecord): OverrideView {
  return {
    date: record._id,
    working: record.working,
    name: record.name,
    updatedBy: record.updatedBy,
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

function toDayView(day: ClassifiedDay): DayView {
  const dayOfWeek = isoWeekday(day.date);
  return {
    date: day.date,
    dayOfWeek,
    dayOfWeekLabel: WEEKDAY_LABELS[dayOfWeek] ?? '',
    working: day.working,
    source: day.source,
    sourceLabel: DAY_SOURCE_LABELS[day.source],
    name: day.name,
  };
}
