import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, Param, Post, type ExecutionContext } from '@nestjs/common';
import {
  AllowAny,
  and,
  BasePermission,
  IsAdminUser,
  IsAuthenticated,
  IsAuthenticatedOrReadOnly,
  not,
  ObjectPermissions,
  or,
  Permissions,
  requestOf,
  type ObjectPermissionCheck,
} from '@nest-simplejwt/auth';
import type { User } from '../src/users/user.entity.js';
import { dropDatabases } from './support/database.js';
import { DefaultRouteModule } from './support/default-route.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const DENIED = { detail: 'You do not have permission to perform this action.' };

/** Allows when the request says X-Allow: yes. */
@Injectable()
class HeaderSaysYes extends BasePermission {
  override hasPermission(context: ExecutionContext): boolean {
    return (requestOf(context) as unknown as { headers: Record<string, string> }).headers['x-allow'] === 'yes';
  }
}

/** Refuses with its own message and code. */
@Injectable()
class OnlyOnHolidays extends BasePermission {
  override message = 'Only on holidays.';
  override code = 'not_a_holiday';
  override hasPermission(): boolean {
    return false;
  }
}

@Injectable()
class Switch {
  on = false;
}

/** A permission that injects a service of the app (it is a provider of the test module). */
@Injectable()
class SwitchedOn extends BasePermission {
  constructor(private readonly power: Switch) {
    super();
  }
  override hasPermission(): boolean {
    return this.power.on;
  }
}

/** Object-level: the object's owner must be the user. */
@Injectable()
class OwnsIt extends BasePermission {
  override message = 'Not yours.';
  override hasObjectPermission(context: ExecutionContext, object: { owner: number }): boolean {
    return (requestOf(context).user as User | null)?.id === object.owner;
  }
}

@Permissions(IsAdminUser)
@Controller('test/permissions')
class PermissionsTestController {
  @Get('allow-any') @Permissions(AllowAny) allowAny() { return { ok: true }; }
  @Get('authenticated') @Permissions(IsAuthenticated) authenticated() { return { ok: true }; }
  @Get('controller-level') controllerLevel() { return { ok: true }; }
  @Get('read-only') @Permissions(IsAuthenticatedOrReadOnly) readOnly() { return { ok: true }; }
  @Post('read-only') @Permissions(IsAuthenticatedOrReadOnly) write() { return { ok: true }; }
  @Get('and') @Permissions(and(IsAuthenticated, HeaderSaysYes)) andRoute() { return { ok: true }; }
  @Get('or') @Permissions(or(IsAdminUser, HeaderSaysYes)) orRoute() { return { ok: true }; }
  @Get('not') @Permissions(not(IsAuthenticated)) notRoute() { return { ok: true }; }
  @Get('nested') @Permissions(or(and(IsAuthenticated, HeaderSaysYes), IsAdminUser)) nested() { return { ok: true }; }
  @Get('all-must-allow') @Permissions(IsAuthenticated, HeaderSaysYes) allMustAllow() { return { ok: true }; }
  @Get('message') @Permissions(OnlyOnHolidays) message() { return { ok: true }; }
  @Get('injected') @Permissions(SwitchedOn) injected() { return { ok: true }; }
  @Get('object/:owner') @Permissions(IsAuthenticated, OwnsIt)
  async object(@Param('owner') owner: string, @ObjectPermissions() check: ObjectPermissionCheck) {
    await check({ owner: Number(owner) });
    return { ok: true };
  }
  @Get('or-object/:owner') @Permissions(or(IsAdminUser, OwnsIt))
  async orObject(@Param('owner') owner: string, @ObjectPermissions() check: ObjectPermissionCheck) {
    await check({ owner: Number(owner) });
    return { ok: true };
  }
}

@Module({ imports: [DefaultRouteModule], controllers: [PermissionsTestController], providers: [Switch, SwitchedOn] })
class PermissionsTestModule {}

describe('permission classes', () => {
  let t: TestApp;
  let alice: { id: number };
  let admin: { id: number };
  let aliceToken: string;
  let adminToken: string;

  beforeAll(async () => {
    t = await startApp({}, undefined, ['fatal'], [PermissionsTestModule]);
    alice = await createUser(t, { username: 'alice' });
    admin = await createUser(t, { username: 'admin', isStaff: true });
    aliceToken = (await login(t, 'alice')).access;
    adminToken = (await login(t, 'admin')).access;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const get = (path: string, token?: string, headers: Record<string, string> = {}) => {
    const request = t.http().get(`/test/permissions/${path}`).set(headers);
    return token ? request.set(bearer(token)) : request;
  };
  const expectAnswer = async (res: Promise<{ status: number; body: unknown; headers: Record<string, string> }>, status: number, body: unknown) => {
    const r = await res;
    expect({ status: r.status, body: r.body }).toEqual({ status, body });
    expect(r.headers['www-authenticate']).toBe(status === 401 ? 'Bearer realm="api"' : undefined);
  };

  it('AllowAny lets anyone in', async () => {
    await expectAnswer(get('allow-any'), 200, { ok: true });
    await expectAnswer(get('allow-any', aliceToken), 200, { ok: true });
  });

  it('IsAuthenticated: 401 when anonymous, 200 with a user', async () => {
    await expectAnswer(get('authenticated'), 401, NOT_PROVIDED);
    await expectAnswer(get('authenticated', aliceToken), 200, { ok: true });
  });

  it('IsAdminUser on the controller: 401 anonymous, 403 for a user, 200 for staff', async () => {
    await expectAnswer(get('controller-level'), 401, NOT_PROVIDED);
    await expectAnswer(get('controller-level', aliceToken), 403, DENIED);
    await expectAnswer(get('controller-level', adminToken), 200, { ok: true });
  });

  it('a handler-level decorator replaces the controller-level one', async () => {
    await expectAnswer(get('authenticated', aliceToken), 200, { ok: true });
  });

  it('IsAuthenticatedOrReadOnly: anyone reads, only a user writes', async () => {
    await expectAnswer(get('read-only'), 200, { ok: true });
    await expectAnswer(t.http().post('/test/permissions/read-only'), 401, NOT_PROVIDED);
    await expectAnswer(t.http().post('/test/permissions/read-only').set(bearer(aliceToken)), 201, { ok: true });
  });

  it('and(): every operand must allow', async () => {
    await expectAnswer(get('and', undefined, { 'x-allow': 'yes' }), 401, NOT_PROVIDED);
    await expectAnswer(get('and', aliceToken), 403, DENIED);
    await expectAnswer(get('and', aliceToken, { 'x-allow': 'yes' }), 200, { ok: true });
  });

  it('or(): one operand is enough', async () => {
    await expectAnswer(get('or'), 401, NOT_PROVIDED);
    await expectAnswer(get('or', undefined, { 'x-allow': 'yes' }), 200, { ok: true });
    await expectAnswer(get('or', aliceToken), 403, DENIED);
    await expectAnswer(get('or', adminToken), 200, { ok: true });
  });

  it('not(): the operand must refuse', async () => {
    await expectAnswer(get('not'), 200, { ok: true });
    await expectAnswer(get('not', aliceToken), 403, DENIED);
  });

  it('compositions nest', async () => {
    await expectAnswer(get('nested', aliceToken), 403, DENIED);
    await expectAnswer(get('nested', aliceToken, { 'x-allow': 'yes' }), 200, { ok: true });
    await expectAnswer(get('nested', adminToken), 200, { ok: true });
  });

  it('several classes in one decorator must all allow', async () => {
    await expectAnswer(get('all-must-allow', aliceToken), 403, DENIED);
    await expectAnswer(get('all-must-allow', aliceToken, { 'x-allow': 'yes' }), 200, { ok: true });
  });

  it("a class's own message and code go into the 403, but an anonymous request is still a 401", async () => {
    await expectAnswer(get('message', aliceToken), 403, { detail: 'Only on holidays.', code: 'not_a_holiday' });
    await expectAnswer(get('message'), 401, NOT_PROVIDED);
  });

  it('a permission class can inject services of the app', async () => {
    await expectAnswer(get('injected', aliceToken), 403, DENIED);
    t.app.get(Switch).on = true;
    await expectAnswer(get('injected', aliceToken), 200, { ok: true });
    t.app.get(Switch).on = false;
  });

  it('object permissions: the handler checks the loaded object', async () => {
    await expectAnswer(get(`object/${alice.id}`, aliceToken), 200, { ok: true });
    await expectAnswer(get(`object/${admin.id}`, aliceToken), 403, { detail: 'Not yours.' });
    await expectAnswer(get(`object/${alice.id}`), 401, NOT_PROVIDED);
  });

  it("or() on objects: an operand grants the object only if it grants the view too (DRF 3.14)", async () => {
    await expectAnswer(get(`or-object/${alice.id}`, aliceToken), 200, { ok: true });
    await expectAnswer(get(`or-object/${alice.id}`, adminToken), 200, { ok: true });
    await expectAnswer(get(`or-object/${admin.id}`, aliceToken), 403, DENIED);
  });

  it('a route without @Permissions() gets DEFAULT_PERMISSION_CLASSES (IsAuthenticated)', async () => {
    await expectAnswer(t.http().get('/test/default/'), 401, NOT_PROVIDED);
    await expectAnswer(t.http().get('/test/default/').set(bearer(aliceToken)), 200, { ok: true });
  });
});

describe('DEFAULT_PERMISSION_CLASSES', () => {
  it.each([
    ['AllowAny', 200, 200, 200],
    ['IsAdminUser', 401, 403, 200],
    ['IsAuthenticatedOrReadOnly', 200, 200, 200],
    ['IsAuthenticated,IsAdminUser', 401, 403, 200],
  ])('%s: anonymous %i, user %i, staff %i on a route without @Permissions()', async (setting, anonymous, user, staff) => {
    const t = await startApp({ DEFAULT_PERMISSION_CLASSES: setting }, undefined, ['fatal'], [PermissionsTestModule]);
    try {
      await createUser(t, { username: 'u' });
      await createUser(t, { username: 's', isStaff: true });
      const u = (await login(t, 'u')).access;
      const s = (await login(t, 's')).access;
      expect((await t.http().get('/test/default/')).status).toBe(anonymous);
      expect((await t.http().get('/test/default/').set(bearer(u))).status).toBe(user);
      expect((await t.http().get('/test/default/').set(bearer(s))).status).toBe(staff);
      // Routes that declare their own permissions are not affected.
      expect((await t.http().get('/test/permissions/allow-any')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
  afterAll(() => dropDatabases());
});
