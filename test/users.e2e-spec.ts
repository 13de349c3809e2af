import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, sql } from './support/database.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';

const FIELDS = ['id', 'username', 'email', 'first_name', 'last_name', 'is_staff', 'is_superuser', 'is_active', 'last_login', 'date_joined'];
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;
const WWW_AUTHENTICATE = 'Bearer realm="api"';

interface UserRow {
  id: number;
  username: string;
  password: string;
  email: string;
  first_name: string;
  last_name: string;
  is_staff: boolean;
  is_superuser: boolean;
  is_active: boolean;
  last_login: Date | null;
  date_joined: Date;
}

describe('GET /api/users/ (IsAdminUser)', () => {
  let t: TestApp;
  let staff: string;
  let plain: string;

  beforeAll(async () => {
    t = await startApp();
    // Created out of alphabetical order, with every kind of flag.
    await createUser(t, { username: 'zed', email: 'zed@example.com' });
    await createUser(t, { username: 'root', isStaff: true, email: 'root@example.com' });
    await createUser(t, { username: 'amy', isSuperuser: true });
    await createUser(t, { username: 'idle', isActive: false });
    await sql(t.databaseUrl, "UPDATE auth_user SET first_name = 'Zed', last_name = 'Zedson', last_login = '2024-01-02 03:04:05.678+00' WHERE username = 'zed'");
    staff = (await login(t, 'root')).access;
    plain = (await login(t, 'zed')).access;
  }, 60000);
  afterAll(async () => {
    await t?.close();
    await dropDatabases();
  });

  const users = (headers: Record<string, string> = {}, path = '/api/users/') => t.http().get(path).set(headers);

  it('answers staff every user in Django field names, ordered by id', async () => {
    const rows = await sql<UserRow>(t.databaseUrl, 'SELECT * FROM auth_user ORDER BY id');
    expect(rows).toHaveLength(4);
    const res = await users(bearer(staff));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(rows.length);
    res.body.forEach((user: Record<string, unknown>, i: number) => {
      const row = rows[i];
      expect(Object.keys(user)).toEqual(FIELDS);
      expect(user).toMatchObject({
        id: row.id,
        username: row.username,
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        is_staff: row.is_staff,
        is_superuser: row.is_superuser,
        is_active: row.is_active,
      });
      expect(Number.isInteger(user.id)).toBe(true);
      expect(user.date_joined).toMatch(ISO_UTC);
      expect(Date.parse(user.date_joined as string)).toBe(row.date_joined.getTime());
      if (row.last_login === null) expect(user.last_login).toBeNull();
      else expect(Date.parse(user.last_login as string)).toBe(row.last_login.getTime());
    });
    expect(res.body.map((u: { username: string }) => u.username)).toEqual(['zed', 'root', 'amy', 'idle']);
    expect(res.body.map((u: { id: number }) => u.id)).toEqual(rows.map((r) => r.id));
    const zed = res.body[0];
    expect(zed).toMatchObject({ email: 'zed@example.com', first_name: 'Zed', last_name: 'Zedson', is_staff: false, is_active: true });
    expect(zed.last_login).toMatch(ISO_UTC);
    expect(res.body[1]).toMatchObject({ username: 'root', is_staff: true, is_superuser: false, last_login: null });
    expect(res.body[2]).toMatchObject({ username: 'amy', is_staff: false, is_superuser: true, email: '' });
    expect(res.body[3]).toMatchObject({ username: 'idle', is_active: false });
  });

  it('never shows a password or its hash', async () => {
    const res = await users(bearer(staff));
    expect(res.status).toBe(200);
    const hashes = (await sql<{ password: string }>(t.databaseUrl, 'SELECT password FROM auth_user')).map((r) => r.password);
    expect(hashes.length).toBeGreaterThan(0);
    for (const user of res.body) expect(user).not.toHaveProperty('password');
    for (const hash of hashes) {
      expect(res.text).not.toContain(hash);
      expect(res.text).not.toContain(hash.split('$').at(-1)!); // not even the digest part
    }
    expect(res.text).not.toMatch(/argon2|pbkdf2|correct horse/);
  });

  it('answers without the trailing slash, and HEAD like GET', async () => {
    const withSlash = await users(bearer(staff));
    const without = await users(bearer(staff), '/api/users');
    expect(without.status).toBe(200);
    expect(without.body).toEqual(withSlash.body);
    const head = await t.http().head('/api/users/').set(bearer(staff));
    expect(head.status).toBe(200);
  });

  it('refuses a user who is not staff with 403 and the exact DRF body, superusers included', async () => {
    const superuser = (await login(t, 'amy')).access;
    for (const token of [plain, superuser]) {
      for (const path of ['/api/users/', '/api/users']) {
        const res = await users(bearer(token), path);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ detail: 'You do not have permission to perform this action.' });
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
    }
  });

  it('refuses an anonymous client with 401 and WWW-Authenticate', async () => {
    const res = await users();
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
  });

  it('refuses a staff user who became inactive after logging in: 401 user_inactive', async () => {
    await createUser(t, { username: 'fading', isStaff: true });
    const { access } = await login(t, 'fading');
    expect((await users(bearer(access))).status).toBe(200);
    await sql(t.databaseUrl, "UPDATE auth_user SET is_active = false WHERE username = 'fading'");
    const res = await users(bearer(access));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
    expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
  });

  it('refuses a staff user who was deleted after logging in: 401 user_not_found', async () => {
    await createUser(t, { username: 'vanishing', isStaff: true });
    const { access } = await login(t, 'vanishing');
    await sql(t.databaseUrl, "DELETE FROM auth_user WHERE username = 'vanishing'");
    const res = await users(bearer(access));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'User not found', code: 'user_not_found' });
  });

  it('follows is_staff as it is now: a user made staff after logging in is let in', async () => {
    await createUser(t, { username: 'promoted' });
    const { access } = await login(t, 'promoted');
    expect((await users(bearer(access))).status).toBe(403);
    await sql(t.databaseUrl, "UPDATE auth_user SET is_staff = true WHERE username = 'promoted'");
    expect((await users(bearer(access))).status).toBe(200);
  });

  it('answers POST (and other writes) from staff with 405 and Allow: GET, HEAD, OPTIONS; creates nothing', async () => {
    const [{ count: before }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM auth_user');
    for (const path of ['/api/users/', '/api/users']) {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await t.http()[method](path).set(bearer(staff)).send({ username: 'new', password: 'pw' });
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ detail: `Method "${method.toUpperCase()}" not allowed.` });
        expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      }
    }
    const [{ count: after }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM auth_user');
    expect(after).toBe(before);
  });

  it('answers a POST with the permission refusal first: 401 anonymous, 403 for a non-staff user', async () => {
    const anonymous = await t.http().post('/api/users/').send({ username: 'new' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(anonymous.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
    const notStaff = await t.http().post('/api/users/').set(bearer(plain)).send({ username: 'new' });
    expect(notStaff.status).toBe(403);
    expect(notStaff.body).toEqual({ detail: 'You do not have permission to perform this action.' });
  });

  // DRF's DateTimeField renders value.isoformat() with "+00:00" as "Z": six fraction digits, no
  // fraction on a whole second. JavaScript dates hold milliseconds: a value Django wrote with
  // microseconds shows its first three.
  it('renders date_joined and last_login as DRF does', async () => {
    await sql(
      t.databaseUrl,
      "UPDATE auth_user SET date_joined = '2024-05-06 07:08:09.123456+00', last_login = '2024-05-06 07:08:10+00' WHERE username = 'zed'",
    );
    const res = await users(bearer(staff));
    expect(res.status).toBe(200);
    const zed = res.body.find((u: { username: string }) => u.username === 'zed');
    expect({ date_joined: zed.date_joined, last_login: zed.last_login }).toEqual({
      date_joined: '2024-05-06T07:08:09.123000Z',
      last_login: '2024-05-06T07:08:10Z',
    });
  });
});
