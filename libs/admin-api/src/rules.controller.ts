import type { ServerResponse } from 'node:http';
import {
  applyDecorators,
  BadRequestException,
  Body,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import { normalizeRule, type PrivacyRule, type PrivacyRuleInput } from '@app/privacy';
import { RuleNotFoundError, RuleVersionMismatchError, type RulesStore } from '@app/rules-store';
import { AdminApiController } from './admin-api-controller.decorator';
import { BRIDGE_VIEW, RULES_STORE } from './admin-api.tokens';
import type { BridgeView, BrokerImpact, BrokerPreview } from './bridge-view';
import { ImpactRequestDto, ImpactResponseDto } from './dto/privacy-assurance.dto';
import { PreviewRequestDto } from './dto/preview-request.dto';
import { RuleInputDto } from './dto/rule-input.dto';
import { RulePatchDto } from './dto/rule-patch.dto';
import { PreviewResponseDto, RuleDto, RuleListDto } from './dto/rule-responses.dto';
import { parseIfMatch, versionEtag } from './if-match';
import { RuleInputValidator, ruleInputFromRule } from './rule-input-validator';

/** Largest rule set `PUT /api/v1/rules` accepts. */
export const MAX_RULE_SET_SIZE = 1000;
/** PATCH without If-Match re-reads and retries this often when a concurrent change wins. */
const PATCH_ATTEMPTS = 3;

const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'The version the change is based on ("3", 3 or W/"3"); a stale one is a 412.',
};

/** The documentation PUT and PATCH of one rule share: If-Match and what each can answer. */
function ApiRuleChange(): MethodDecorator {
  return applyDecorators(
    ApiHeader(IF_MATCH_HEADER),
    ApiOkResponse({ type: RuleDto }),
    ApiBadRequestResponse(),
    ApiNotFoundResponse(),
    ApiConflictResponse({ description: 'The name is taken.' }),
    ApiPreconditionFailedResponse({ description: 'If-Match names a stale version.' }),
  );
}

/** Privacy rules CRUD, GitOps sync of the whole set, and the preview dry run. */
@ApiTags('rules')
@AdminApiController('rules')
export class RulesController {
  private readonly validator = new RuleInputValidator();

  constructor(
    @Inject(RULES_STORE) private readonly store: RulesStore,
    @Inject(BRIDGE_VIEW) private readonly bridge: BridgeView,
  ) {}

  @Get()
  @ApiOperation({ summary: 'All rules in application order (priority, then oldest first)' })
  @ApiOkResponse({ type: RuleListDto })
  async list(): Promise<{ items: PrivacyRule[]; total: number }> {
    const items = await this.store.list();
    return { items, total: items.length };
  }

  @Put()
  @ApiOperation({ summary: 'Replace the whole rule set atomically (GitOps sync)' })
  @ApiBody({ type: [RuleInputDto] })
  @ApiOkResponse({ type: RuleListDto })
  @ApiBadRequestResponse({ description: 'An invalid rule or duplicate name; nothing changed.' })
  async replaceAll(@Body() body: unknown): Promise<{ items: PrivacyRule[]; total: number }> {
    const inputs = await this.validator.validateSet(body, MAX_RULE_SET_SIZE);
    const items = await this.store.replaceAll(inputs);
    return { items, total: items.length };
  }

  @Post()
  @ApiOperation({ summary: 'Create a rule' })
  @ApiCreatedResponse({ type: RuleDto })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'The name is taken.' })
  async create(
    @Body() dto: RuleInputDto,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<PrivacyRule> {
    const [input] = this.validator.checkValidated([dto], () => '');
    const rule = await this.store.create(input);
    response.setHeader('Location', `/api/v1/rules/${encodeURIComponent(rule.id)}`);
    return withEtag(response, rule);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dry run: what each broker would receive for a value at a topic',
    description: 'Uses the saved, enabled rules, or the unsaved `rules` given (in priority order).',
  })
  @ApiOkResponse({ type: PreviewResponseDto })
  @ApiBadRequestResponse()
  async preview(
    @Body() dto: PreviewRequestDto,
  ): Promise<{ topic: string; brokers: BrokerPreview[] }> {
    const rules = dto.rules === undefined ? await this.store.list() : this.unsavedRules(dto.rules);
    const brokers = await this.bridge.preview(
      dto.topic,
      dto.value,
      rules.filter((rule) => rule.enabled),
    );
    return { topic: dto.topic, brokers };
  }

  @Post('impact')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What saving a whole rule set would change on every broker, before saving it',
    description:
      'The body is validated as PUT /api/v1/rules validates its array. Per broker: how many ' +
      'current topics would change, be dropped (cleared) or stay, with up to 5 samples. ' +
      'Nothing is stored or published.',
  })
  @ApiBody({ type: ImpactRequestDto })
  @ApiOkResponse({ type: ImpactResponseDto })
  @ApiBadRequestResponse({ description: 'An invalid rule or duplicate name.' })
  async impact(@Body() body: unknown): Promise<{ brokers: BrokerImpact[] }> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new BadRequestException(['body must be an object {"rules": [...]}']);
    const unknown = Object.keys(body).filter((key) => key !== 'rules');
    if (unknown.length > 0)
      throw new BadRequestException(
        unknown.slice(0, 10).map((key) => `property ${key} should not exist`),
      );
    const inputs = await this.validator.validateSet(
      (body as { rules?: unknown }).rules,
      MAX_RULE_SET_SIZE,
      'rules',
    );
    const proposed = proposedRules(inputs, await this.store.list());
    return { brokers: await this.bridge.impact(proposed.filter((rule) => rule.enabled)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One rule' })
  @ApiOkResponse({ type: RuleDto })
  @ApiNotFoundResponse()
  async get(
    @Param('id') id: string,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<PrivacyRule> {
    const rule = await this.store.get(id);
    if (!rule) throw new RuleNotFoundError(id);
    return withEtag(response, rule);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a rule' })
  @ApiRuleChange()
  async replace(
    @Param('id') id: string,
    @Body() dto: RuleInputDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<PrivacyRule> {
    const expectedVersion = parseIfMatch(ifMatch);
    const [input] = this.validator.checkValidated([dto], () => '');
    return withEtag(response, await this.store.replace(id, input, expectedVersion));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change some fields of a rule',
    description:
      'Present fields replace the stored ones (objects as a whole); null removes an optional field.',
  })
  @ApiRuleChange()
  async patch(
    @Param('id') id: string,
    @Body() dto: RulePatchDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<PrivacyRule> {
    const expectedVersion = parseIfMatch(ifMatch);
    const changes = JSON.parse(JSON.stringify(dto)) as Record<string, unknown>;
    for (let attempt = 1; ; attempt++) {
      const existing = await this.store.get(id);
      if (!existing) throw new RuleNotFoundError(id);
      if (expectedVersion !== undefined && existing.version !== expectedVersion)
        throw new RuleVersionMismatchError(id, expectedVersion, existing.version);
      const merged = ruleInputFromRule(existing);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      const input = await this.validator.validateOne(merged);
      // A PATCH that changes nothing keeps the version, so repeated syncs are idempotent.
      if (sameJson(normalizeRule(input), ruleInputFromRule(existing)))
        return withEtag(response, existing);
      try {
        return withEtag(response, await this.store.replace(id, input, existing.version));
      } catch (error) {
        // Without If-Match the client asked for "whatever is current": merge again.
        const retry =
          error instanceof RuleVersionMismatchError &&
          expectedVersion === undefined &&
          attempt < PATCH_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a rule' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version.' })
  async delete(
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.store.delete(id, parseIfMatch(ifMatch));
  }

  private unsavedRules(dtos: RuleInputDto[]): PrivacyRule[] {
    const inputs = this.validator.checkValidated(dtos, (index) => `rules.${index}.`);
    const now = new Date().toISOString();
    const rules: PrivacyRule[] = inputs.map((input, index) => ({
      ...normalizeRule(input),
      id: `preview-${index + 1}`,
      version: 1,
      createdAt: now,
      updatedAt: now,
    }));
    // Array.prototype.sort is stable: equal priorities keep the order they were given in.
    return rules.sort((a, b) => a.priority - b.priority);
  }
}

/**
 * The rules `PUT /api/v1/rules` would store for `inputs`, in the order it would apply them: a
 * rule named like a stored one keeps that rule's id and createdAt (so equal priorities order as
 * after saving); new rules are newer than every stored one, in the order given.
 */
function proposedRules(inputs: PrivacyRuleInput[], stored: PrivacyRule[]): PrivacyRule[] {
  const byName = new Map(stored.map((rule) => [rule.name, rule]));
  const now = new Date().toISOString();
  return inputs.map((input, index) => {
    const existing = byName.get(input.name);
    return {
      ...normalizeRule(input),
      id: existing?.id ?? `proposed-${String(index).padStart(4, '0')}`,
      version: existing?.version ?? 1,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  const sorted = (_key: string, value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : value;
  return JSON.stringify(a, sorted) === JSON.stringify(b, sorted);
}

function withEtag(response: ServerResponse, rule: PrivacyRule): PrivacyRule {
  response.setHeader('ETag', versionEtag(rule.version));
  return rule;
}
