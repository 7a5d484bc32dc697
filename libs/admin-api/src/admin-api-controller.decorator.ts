import {
  applyDecorators,
  Controller,
  UseFilters,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AdminApiExceptionFilter } from './admin-api-exception.filter';
import { AdminTokenGuard } from './admin-token.guard';
import { JsonBodyGuard } from './json-body.guard';
import { ADMIN_VALIDATION_OPTIONS } from './rule-input-validator';

/** Base path of the admin REST API. */
export const ADMIN_API_PREFIX = 'api/v1';

/**
 * An admin controller under /api/v1: rate limited first (so token guessing is throttled too),
 * then bearer-token auth, then body screening and validation; errors in Nest's shape.
 */
export const AdminApiController = (path: string): ClassDecorator =>
  applyDecorators(
    Controller(`${ADMIN_API_PREFIX}/${path}`),
    UseFilters(AdminApiExceptionFilter),
    UseGuards(ThrottlerGuard, AdminTokenGuard, JsonBodyGuard),
    UsePipes(new ValidationPipe(ADMIN_VALIDATION_OPTIONS)),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or wrong bearer token.' }),
    ApiTooManyRequestsResponse({ description: 'Rate limit exceeded.' }),
  );
