import { Controller, Get, Module } from '@nestjs/common';

/** GET /test/default/: a route that declares no permissions, so DEFAULT_PERMISSION_CLASSES decide. */
@Controller('test/default')
export class DefaultRouteController {
  @Get('/') route() {
    return { ok: true };
  }
}

/** Add to startApp's imports to serve /test/default/. */
@Module({ controllers: [DefaultRouteController] })
export class DefaultRouteModule {}
