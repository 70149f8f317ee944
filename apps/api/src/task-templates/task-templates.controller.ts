import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CADENCE_LABELS, describeDueRule, templateMonths, type Actor, type TaskTemplate } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { ApiError } from '../common/api-error.js';
import { TaskTemplateDto, TaskTemplateQueryDto } from './dtos/task-template.dto.js';
import { TaskTemplates } from './task-templates.usecases.js';

const TemplateId = () =>
  Param('id', {
    transform: (value: string) => {
      if (!/^tt-[0-9a-f]{8}$/.test(value)) throw ApiError.notFound('常态化任务');
      return value;
    },
  });

export interface TaskTemplateView extends TaskTemplate {
  /** The months it falls in (its own, or the cadence's default). */
  readonly dueMonths: readonly number[];
  /** zh-CN summary, e.g. "每季度（3、6、9、12月），每月15日前". */
  readonly schedule: string;
}

const toView = (template: TaskTemplate): TaskTemplateView => {
  const months = templateMonths(template);
  return { ...template, dueMonths: months, schedule: `${CADENCE_LABELS[template.cadence]}（${months.join('、')}月），${describeDueRule(template.due).replace('每月', '当月')}` };
};

/** Recurring obligations (常态化任务): the office keeps them; the monthly schedule puts the due ones on each month's list. */
@ApiTags('task-templates')
@ApiBearerAuth()
@Roles('office')
@Controller('task-templates')
export class TaskTemplateController {
  constructor(@Inject(TaskTemplates) private readonly templates: TaskTemplates) {}

  @Post()
  @ApiOperation({ summary: '新建常态化任务（按周期自动加入每月重点工作清单）' })
  async create(@Body() body: TaskTemplateDto, @CurrentActor() actor: Actor): Promise<TaskTemplateView> {
    return toView(await this.templates.create(body, actor));
  }

  @Get()
  @ApiOperation({ summary: '常态化任务列表；给出 month 时只列该月应下发的（启用的）' })
  async list(@Query() query: TaskTemplateQueryDto): Promise<{ items: TaskTemplateView[] }> {
    return { items: (await this.templates.list(query.month)).map(toView) };
  }

  @Get(':id')
  @ApiOperation({ summary: '常态化任务详情' })
  async get(@TemplateId() id: string): Promise<TaskTemplateView> {
    return toView(await this.templates.get(id));
  }

  @Put(':id')
  @ApiOperation({ summary: '修改常态化任务（整体替换；已加入清单的任务不变）' })
  async replace(@TemplateId() id: string, @Body() body: TaskTemplateDto): Promise<TaskTemplateView> {
    return toView(await this.templates.replace(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: '删除常态化任务（已加入清单的任务不变）' })
  async remove(@TemplateId() id: string): Promise<void> {
    await this.templates.remove(id);
  }
}
