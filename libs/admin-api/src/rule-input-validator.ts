import { type PrivacyRule, type PrivacyRuleInput, ruleProblems } from '@app/privacy';
import {
  BadRequestException,
  Logger,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { RuleInputDto } from './dto/rule-input.dto';

/** The ValidationPipe settings of every admin route. */
export const ADMIN_VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
};

/** Most messages one 400 lists, so a 1,000-rule set with a systematic mistake stays readable. */
const MAX_MESSAGES = 100;

/**
 * Checks rules the way every route must: the DTO's field rules (class-validator), then the
 * privacy library's semantic checks (RE2 can compile the regex, the topic filter is valid, the
 * key paths parse). Problems come back as Nest-style messages, prefixed with where they are.
 */
export class RuleInputValidator {
  private readonly pipe = new ValidationPipe(ADMIN_VALIDATION_OPTIONS);
  private readonly logger = new Logger('AdminApi');

  /** One rule from an untrusted value; throws a 400 listing every problem. */
  async validateOne(candidate: unknown): Promise<PrivacyRuleInput> {
    const result = await this.check(candidate, '');
    if ('problems' in result) throw new BadRequestException(result.problems);
    return result.input;
  }

  /**
   * A whole rule set (PUT /rules): an array of at most `maxRules` rules with unique names.
   * `field` names where the array is when it is not the body itself (messages say `rules[0].…`).
   */
  async validateSet(
    candidate: unknown,
    maxRules: number,
    field?: string,
  ): Promise<PrivacyRuleInput[]> {
    const where = field ?? 'body';
    const prefix = (index: number) => `${field ?? ''}[${index}].`;
    if (!Array.isArray(candidate))
      throw new BadRequestException([`${where} must be an array of rules`]);
    if (candidate.length > maxRules)
      throw new BadRequestException([`${where} must contain at most ${maxRules} rules`]);
    const problems: string[] = [];
    const inputs: PrivacyRuleInput[] = [];
    for (const [index, item] of candidate.entries()) {
      const result = await this.check(item, prefix(index));
      if ('problems' in result) problems.push(...result.problems);
      else inputs.push(result.input);
      if (problems.length >= MAX_MESSAGES) break;
    }
    if (problems.length === 0) problems.push(...duplicateNameProblems(inputs, prefix));
    if (problems.length > 0) throw new BadRequestException(problems.slice(0, MAX_MESSAGES));
    return inputs;
  }

  /** Semantic checks (and unique names) for rules whose fields the pipe already validated. */
  checkValidated(dtos: RuleInputDto[], prefix: (index: number) => string): PrivacyRuleInput[] {
    const inputs = dtos.map(ruleInputFromDto);
    const problems = inputs.flatMap((input, index) => this.semanticProblems(input, prefix(index)));
    problems.push(...duplicateNameProblems(inputs, prefix));
    if (problems.length > 0) throw new BadRequestException(problems.slice(0, MAX_MESSAGES));
    return inputs;
  }

  private async check(
    candidate: unknown,
    prefix: string,
  ): Promise<{ input: PrivacyRuleInput } | { problems: string[] }> {
    if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate))
      return { problems: [`${prefix ? prefix.slice(0, -1) : 'body'} must be a rule object`] };
    let dto: RuleInputDto;
    try {
      dto = (await this.pipe.transform(candidate, {
        type: 'body',
        metatype: RuleInputDto,
      })) as RuleInputDto;
    } catch (error) {
      if (error instanceof BadRequestException)
        return { problems: messagesOf(error).map((message) => prefix + message) };
      throw error;
    }
    const input = ruleInputFromDto(dto);
    const problems = this.semanticProblems(input, prefix);
    return problems.length > 0 ? { problems } : { input };
  }

  private semanticProblems(input: PrivacyRuleInput, prefix: string): string[] {
    try {
      return ruleProblems(input).map((problem: string) => prefix + problem);
    } catch (error) {
      // A crash in the checker is a bug there; the client still gets a clear 400, not a 500.
      this.logger.warn(
        `ruleProblems() threw: ${error instanceof Error ? error.message : String(error)}`,
      );
      return [`${prefix}rule could not be validated`];
    }
  }
}

/** The plain PrivacyRuleInput a validated DTO describes (no class instances, no undefined keys). */
export function ruleInputFromDto(dto: RuleInputDto): PrivacyRuleInput {
  const input: PrivacyRuleInput = { name: dto.name, action: dto.action };
  if (dto.description !== undefined) input.description = dto.description;
  if (dto.enabled !== undefined) input.enabled = dto.enabled;
  if (dto.priority !== undefined) input.priority = dto.priority;
  if (dto.topic !== undefined) input.topic = dto.topic;
  if (dto.brokers !== undefined) input.brokers = [...dto.brokers];
  if (dto.match !== undefined) {
    const { detector, regex, flags } = dto.match;
    if (detector !== undefined) input.match = { detector };
    else if (regex !== undefined) input.match = flags === undefined ? { regex } : { regex, flags };
  }
  if (dto.keys !== undefined) input.keys = [...dto.keys];
  if (dto.mask !== undefined) {
    const mask: NonNullable<PrivacyRuleInput['mask']> = {};
    if (dto.mask.char !== undefined) mask.char = dto.mask.char;
    if (dto.mask.keepStart !== undefined) mask.keepStart = dto.mask.keepStart;
    if (dto.mask.keepEnd !== undefined) mask.keepEnd = dto.mask.keepEnd;
    if (dto.mask.keepDomain !== undefined) mask.keepDomain = dto.mask.keepDomain;
    input.mask = mask;
  }
  if (dto.replacement !== undefined) input.replacement = dto.replacement;
  return input;
}

/** A stored rule's editable content, as an input (what PATCH merges changes into). */
export function ruleInputFromRule(rule: PrivacyRule): Record<string, unknown> {
  const {
    id: _id,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...content
  } = rule;
  return JSON.parse(JSON.stringify(content)) as Record<string, unknown>;
}

function duplicateNameProblems(
  inputs: PrivacyRuleInput[],
  prefix: (index: number) => string,
): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  inputs.forEach((input, index) => {
    const first = seen.get(input.name);
    if (first === undefined) seen.set(input.name, index);
    else
      problems.push(
        `${prefix(index)}name "${input.name}" is already used by ${prefix(first).replace(/\.$/, '')}`,
      );
  });
  return problems;
}

function messagesOf(error: BadRequestException): string[] {
  const response = error.getResponse();
  if (typeof response === 'string') return [response];
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String);
  return [typeof message === 'string' ? message : error.message];
}
