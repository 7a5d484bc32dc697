import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { AdminApiOptions } from './admin-api-options';
import { ADMIN_API_OPTIONS } from './admin-api.tokens';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on every admin route. Compares SHA-256 digests in
 * constant time so neither the token's content nor its length leaks through timing. Without a
 * configured token the admin API refuses everything rather than running open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;

  constructor(@Inject(ADMIN_API_OPTIONS) options: AdminApiOptions) {
    if (options.adminToken) this.expectedDigest = digest(options.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expectedDigest)
      throw new UnauthorizedException('The admin API is disabled because ADMIN_TOKEN is not set');
    const header = context.switchToHttp().getRequest<IncomingMessage>().headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined)
      throw new UnauthorizedException('Missing bearer token (Authorization: Bearer <ADMIN_TOKEN>)');
    if (!timingSafeEqual(digest(token), this.expectedDigest))
      throw new UnauthorizedException('Invalid bearer token');
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
