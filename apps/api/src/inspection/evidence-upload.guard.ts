import { Inject, Injectable, ParseUUIDPipe, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from '@duban/domain';
import { ApiError } from '../common/api-error.js';
import { EVIDENCE_CAPTURED_AT } from './dtos/inspection.dto.js';
import { Inspections } from './usecases/inspections.service.js';
import { LookBacks } from './usecases/lookbacks.service.js';

type UploadRequest = Request<Record<string, string>> & { actor: Actor };

const uuid = new ParseUUIDPipe({ version: '4' });
async function idParam(request: UploadRequest, name: string): Promise<string> {
  const id = await uuid.transform(request.params[name] ?? '', { type: 'param', data: name });
  if (!id) throw ApiError.badInput(name, `${name}: 须为 UUID`);
  return id;
}

/**
 * Decides before a byte of an evidence upload is read: malformed ids or capture time are a 400, an inspection,
 * finding or look-back entry that is not there (or not the caller's) a 404, a published inspection or a checked
 * entry a 409. The handlers check again.
 */
@Injectable()
export class FindingEvidenceGuard implements CanActivate {
  constructor(@Inject(Inspections) private readonly inspections: Inspections) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<UploadRequest>();
    const id = await idParam(request, 'id');
    const findingId = await idParam(request, 'findingId');
    const capturedAt = request.query.capturedAt;
    if (typeof capturedAt !== 'string' || !EVIDENCE_CAPTURED_AT.test(capturedAt)) throw ApiError.badInput('capturedAt', 'capturedAt: 须为 ISO 8601 时间（设备拍摄时间）');
    await this.inspections.checkEvidenceTarget(id, findingId);
    return true;
  }
}

@Injectable()
export class LookBackEvidenceGuard implements CanActivate {
  constructor(@Inject(LookBacks) private readonly lookBacks: LookBacks) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<UploadRequest>();
    const id = await idParam(request, 'id');
    const itemId = await idParam(request, 'itemId');
    await this.lookBacks.checkEvidenceTarget(id, itemId, request.actor);
    return true;
  }
}
