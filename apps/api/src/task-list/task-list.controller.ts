import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@duban/domain';
import { CurrentActor, Roles } from '../common/actor.decorator.js';
import { ApiError } from '../common/api-error.js';
import { PublishTaskListDto, TaskListDraftDto, UpdateTaskListDto } from './dtos/task-list.dto.js';
import { TaskLists } from './task-lists.usecases.js';
import { toTaskListView, type TaskListView } from './views.js';

const ListId = () =>
  Param('id', {
    transform: (value: string) => {
      if (!/^TL-\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw ApiError.notFound('重点工作清单');
      return value;
    },
  });

/** Monthly key-task lists (每月重点工作清单): the office drafts, publishes and closes; the leader reads. */
@ApiTags('task-lists')
@ApiBearerAuth()
@Roles('office')
@Controller('task-lists')
export class TaskListController {
  constructor(@Inject(TaskLists) private readonly lists: TaskLists) {}

  @Post()
  @ApiOperation({ summary: '起草月度重点工作清单' })
  async create(@Body() body: TaskListDraftDto, @CurrentActor() actor: Actor): Promise<TaskListView> {
    return toTaskListView(await this.lists.create(body, actor));
  }

  @Get()
  @Roles('office', 'leader')
  @ApiOperation({ summary: '月度重点工作清单列表（按月份倒序）' })
  async list(): Promise<{ items: TaskListView[] }> {
    return { items: (await this.lists.list()).map(toTaskListView) };
  }

  @Get(':id')
  @Roles('office', 'leader')
  @ApiOperation({ summary: '清单详情' })
  async get(@ListId() id: string): Promise<TaskListView> {
    return toTaskListView(await this.lists.get(id));
  }

  @Put(':id')
  @ApiOperation({ summary: '修改清单草稿（下发前）' })
  async update(@ListId() id: string, @Body() body: UpdateTaskListDto): Promise<TaskListView> {
    return toTaskListView(await this.lists.update(id, body));
  }

  @Post(':id/publish')
  @HttpCode(202)
  @ApiOperation({ summary: '下发清单：立即下发，或定时下发（默认当月1日09:00）' })
  async publish(@ListId() id: string, @Body() body: PublishTaskListDto, @CurrentActor() actor: Actor): Promise<TaskListView> {
    return toTaskListView(await this.lists.publish(id, body, actor));
  }

  @Post(':id/close')
  @HttpCode(202)
  @ApiOperation({ summary: '提前月末结账（未完成的任务按设置结转或关闭）' })
  async close(@ListId() id: string, @CurrentActor() actor: Actor): Promise<{ accepted: true }> {
    await this.lists.closeEarly(id, actor);
    return { accepted: true };
  }

  @Get(':id/results')
  @Roles('office', 'leader')
  @ApiOperation({ summary: '各单位完成情况（按期/逾期/结转/未完成）与排名' })
  results(@ListId() id: string) {
    return this.lists.results(id);
  }
}
