import { PartialType } from '@nestjs/swagger';
import { RuleInputDto } from './rule-input.dto';

/**
 * A partial update: present fields replace the rule's (objects such as `mask` as a whole);
 * `null` removes an optional field. The merged rule is validated like a full one.
 */
export class RulePatchDto extends PartialType(RuleInputDto) {}
