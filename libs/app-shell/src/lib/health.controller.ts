import { Controller, Get, HttpCode } from '@nestjs/common';

/** Liveness: answers 200 while the process can serve HTTP at all. */
@Controller()
export class HealthController {
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
