import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { Actor } from '@duban/domain';
import { RectificationReadModel, type RectificationRecord } from '@duban/persistence';
import { ApiError } from '../../common/api-error.js';
import { DATABASE } from '../../infrastructure/tokens.js';
import { canSee } from '../rectification-view.js';

/** The item's read-model record if the actor may see it; otherwise 404, so ids cannot be probed. */
@Injectable()
export class FindVisibleRectification {
  private readonly items: RectificationReadModel;
  constructor(@Inject(DATABASE) database: Connection) {
    this.items = new RectificationReadModel(database);
  }

  async execute(id: string, actor: Actor): Promise<RectificationRecord> {
    const record = await this.items.findById(id);
    if (!record || !canSee(actor, record)) throw ApiError.notFound('整改问题');
    return record;
  }
}
