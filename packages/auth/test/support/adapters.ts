import { Controller, Get, HttpCode, Module, Post, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  AuthModule,
  CurrentUser,
  IsAdminUser,
  Permissions,
  Public,
  setupDrfHttp,
  type AuthModuleRootOptions,
} from '../../src/index.js';
import type { Account } from './account-store.js';

export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export const SIGNING_KEY = 'package-spec-signing-key-0123456789abcdefghijklmnop';

/** A protected route, a staff-only one and a public one, as an adopter's own controllers. */
@Controller('api')
class ProfileController {
  @Get('profile/')
  profile(@CurrentUser() user: Account | { id: unknown }) {
    return { id: user.id };
  }

  @Permissions(IsAdminUser)
  @Get('admin/')
  admin() {
    return { admin: true };
  }

  @Public()
  @Get('ping/')
  ping() {
    return { pong: true };
  }

  /** An unsafe request of a signed-in user (what CSRF protects in cookie mode). */
  @Post('messages/')
  @HttpCode(201)
  post(@CurrentUser() user: Account | { id: unknown }) {
    return { sent: true, by: user.id };
  }
}

export interface AdopterApp {
  readonly app: INestApplication;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * A small app as an adopter writes it: its controllers, the AuthModule with its own user store,
 * on either HTTP adapter, with setupDrfHttp() as the README says. Listens on 127.0.0.1:0.
 */
export async function startAdopter(adapter: AdapterName, options: AuthModuleRootOptions<Account>): Promise<AdopterApp> {
  @Module({ imports: [AuthModule.forRoot(options)], controllers: [ProfileController] })
  class AppModule {}
  const app = await NestFactory.create(AppModule as unknown as DynamicModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await setupDrfHttp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { app, url, http: () => request(url), close: () => app.close() };
}
