import {
  BadRequestException,
  Body,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  normalizeSubject,
  subjectDigest,
  subjectFingerprint,
  type SubjectAction,
} from '@app/privacy';
import type { RulesStore, StoredSubject } from '@app/rules-store';
import { AdminApiController } from './admin-api-controller.decorator';
import { RULES_STORE } from './admin-api.tokens';
import { SubjectDto, SubjectInputDto, SubjectListDto } from './dto/subject.dto';

/** A registered subject as the API shows it: never the subject, nor its full digest. */
export interface SubjectView {
  id: string;
  fingerprint: string;
  action: SubjectAction;
  replacement?: string;
  createdAt: string;
}

/**
 * Data subjects (opt-out and erasure). The subject text lives only in this request: it is
 * normalised and hashed with the store's subject key here, and only the digest goes further.
 * No response, log line or error message carries it.
 */
@ApiTags('subjects')
@AdminApiController('subjects')
export class SubjectsController {
  constructor(@Inject(RULES_STORE) private readonly store: RulesStore) {}

  @Get()
  @ApiOperation({
    summary: 'Registered data subjects, oldest first (fingerprints, never subjects)',
  })
  @ApiOkResponse({ type: SubjectListDto })
  async list(): Promise<{ items: SubjectView[]; total: number }> {
    const items = (await this.store.listSubjects()).map(subjectView);
    return { items, total: items.length };
  }

  @Post()
  @ApiOperation({
    summary: 'Keep a data subject out of every broker',
    description:
      'Within seconds no broker holds a retained value containing the subject (replaced, ' +
      'hashed, or its topic cleared), on every replica; later values likewise.',
  })
  @ApiCreatedResponse({ type: SubjectDto })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'The subject is registered already (its id is given).' })
  async create(@Body() dto: SubjectInputDto): Promise<SubjectView> {
    const normalized = normalizeSubject(dto.subject);
    const problems: string[] = [];
    if (dto.replacement !== undefined) {
      if (dto.action !== 'replace')
        problems.push('replacement is only allowed with action "replace"');
      // Compared case-insensitively: a replacement must not put the subject back in any form.
      else if (dto.replacement.toLowerCase().includes(normalized.toLowerCase()))
        problems.push('replacement must not contain the subject');
    }
    if (problems.length > 0) throw new BadRequestException(problems);
    const digest = subjectDigest(await this.store.subjectKey(), normalized);
    const stored = await this.store.createSubject({
      digest,
      action: dto.action,
      ...(dto.replacement === undefined ? {} : { replacement: dto.replacement }),
    });
    return subjectView(stored);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget a data subject: brokers get current values back' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async delete(@Param('id') id: string): Promise<void> {
    await this.store.deleteSubject(id);
  }
}

function subjectView(subject: StoredSubject): SubjectView {
  const view: SubjectView = {
    id: subject.id,
    fingerprint: subjectFingerprint(subject.digest),
    action: subject.action,
    createdAt: subject.createdAt,
  };
  if (subject.replacement !== undefined) view.replacement = subject.replacement;
  return view;
}
