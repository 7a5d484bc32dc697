import { randomBytes } from 'node:crypto';

/**
 * Rule ids that sort in creation order (time, then a per-millisecond counter, then randomness),
 * so rules created in the same millisecond — e.g. by one GitOps sync — keep their given order
 * when `id` breaks a priority/createdAt tie.
 */
export class RuleIdGenerator {
  private lastTime = 0;
  private counter = 0;

  /** `prefix` names the kind of record (`rule`, `subject`). */
  constructor(private readonly prefix = 'rule') {}

  next(now = Date.now()): string {
    if (now > this.lastTime) {
      this.lastTime = now;
      this.counter = 0;
    } else {
      this.counter++;
    }
    const time = this.lastTime.toString(36).padStart(9, '0');
    const counter = this.counter.toString(36).padStart(4, '0');
    return `${this.prefix}-${time}${counter}${randomBytes(4).toString('hex')}`;
  }
}
