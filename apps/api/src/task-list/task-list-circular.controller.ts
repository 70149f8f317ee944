import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/actor.decorator.js';
import { ApiError } from '../common/api-error.js';
import { contentDisposition } from '../attachment/attachment-view.js';
import { DOCX_TYPE, circularDocument } from '../documents/circular-document.js';
import { CLOCK, type Clock } from '../infrastructure/tokens.js';
import { dispatchCircular, quarterlyCircular } from './circular-documents.js';
import { TaskListCirculars, type MonthlyDispatch, type QuarterlyCircular } from './circulars.usecases.js';

const ListId = () =>
  Param('id', {
    transform: (value: string) => {
      if (!/^TL-\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw ApiError.notFound('重点工作清单');
      return value;
    },
  });

const docx = (content: Buffer, name: string) => new StreamableFile(content, { type: DOCX_TYPE, length: content.length, disposition: contentDisposition(`${name}.docx`) });

/** Circulars of the monthly lists: 月调度 per list, 季通报 · 季度盘点 per quarter — as JSON and as DOCX. */
@ApiTags('task-lists')
@ApiBearerAuth()
@Roles('office', 'leader')
@Controller('task-lists')
export class TaskListCircularController {
  constructor(
    @Inject(TaskListCirculars) private readonly circulars: TaskListCirculars,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('quarters/:quarter')
  @ApiOperation({ summary: '季通报·季度盘点：一个季度三个月清单按单位汇总（quarter 形如 2026-Q4）' })
  quarter(@Param('quarter') quarter: string): Promise<QuarterlyCircular> {
    return this.circulars.quarter(quarter);
  }

  @Get('quarters/:quarter/circular.docx')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({ summary: '下载季通报（DOCX）' })
  async quarterDocx(@Param('quarter') quarter: string): Promise<StreamableFile> {
    const circular = await this.circulars.quarter(quarter);
    return docx(await circularDocument(quarterlyCircular(circular, this.clock.now())), `${circular.label}重点工作完成情况通报`);
  }

  @Get(':id/dispatch')
  @ApiOperation({ summary: '月调度：各单位完成情况、逾期任务清单与排名（未结账时为实时数据）' })
  dispatch(@ListId() id: string): Promise<MonthlyDispatch> {
    return this.circulars.dispatch(id);
  }

  @Get(':id/dispatch.docx')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiOperation({ summary: '下载月调度通报（DOCX）' })
  async dispatchDocx(@ListId() id: string): Promise<StreamableFile> {
    const dispatch = await this.circulars.dispatch(id);
    return docx(await circularDocument(dispatchCircular(dispatch, this.clock.now())), `${dispatch.title}调度通报`);
  }
}
