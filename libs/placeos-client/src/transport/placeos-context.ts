import { BaseRpcContext } from '@nestjs/microservices';

/** What a PlaceOS event handler can learn besides the payload: the pattern it came in on. */
export class PlaceOsContext extends BaseRpcContext<[pattern: string]> {
  /** `placeos.state` or `placeos.topology`. */
  getPattern(): string {
    return this.args[0];
  }
}
