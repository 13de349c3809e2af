import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, sql } from './support/database.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, signed } from './support/tokens.js';

const NOT_FOUND = { detail: 'Not found.' };
const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const FORBIDDEN = { detail: 'You do not have permission to perform this action.' };
const USER_NOT_FOUND = { detail: 'User not found', code: 'user_not_found' };
const WWW_AUTHENTICATE = 'Bearer realm="api"';
/** An ISO 8601 instant in UTC, as DRF renders a DateTimeField with USE_TZ and TIME_ZONE = 'UTC'. */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface NoteRow {
  id: number;
  title: string;
  body: string;
  owner_id: number;
  created_at: Date;
  updated_at: Date;
}

async function noteRow(t: TestApp, id: number): Promise<NoteRow | undefined> {
  const [row] = await sql<NoteRow>(t.databaseUrl, 'SELECT id, title, body, owner_id, created_at, updated_at FROM notes_note WHERE id = $1', [id]);
  return row;
}

/** The API's view of a row: compares timestamps as instants (their exact text has a test of its own). */
function expectNoteMatchesRow(body: Record<string, unknown>, row: NoteRow): void {
  expect(Object.keys(body).sort()).toEqual(['body', 'created_at', 'id', 'owner', 'title', 'updated_at']);
  expect(body).toMatchObject({ id: row.id, title: row.title, body: row.body, owner: row.owner_id });
  expect(body.created_at).toMatch(ISO_UTC);
  expect(body.updated_at).toMatch(ISO_UTC);
  expect(Date.parse(body.created_at as string)).toBe(row.created_at.getTime());
  expect(Date.parse(body.updated_at as string)).toBe(row.updated_at.getTime());
}

describe('notes: /api/notes/ and /api/notes/{id}/', () => {
  let t: TestApp;
  let aliceId: number;
  let bobId: number;
  let staffId: number;
  let alice: string;
  let bob: string;
  let staff: string;

  beforeAll(async () => {
    t = await startApp();
    aliceId = (await createUser(t, { username: 'alice' })).id;
    bobId = (await createUser(t, { username: 'bob' })).id;
    staffId = (await createUser(t, { username: 'root', isStaff: true })).id;
    [alice, bob, staff] = (await Promise.all([login(t, 'alice'), login(t, 'bob'), login(t, 'root')])).map((p) => p.access);
  }, 60000);
  afterAll(async () => {
    await t?.close();
    await dropDatabases();
  });

  /** Creates a note through the API as `token`; fails unless it answers 201. */
  async function createNote(token: string, data: Record<string, unknown> = { title: 'A note', body: 'Its body' }) {
    const res = await t.http().post('/api/notes/').set(bearer(token)).send(data);
    if (res.status !== 201) throw new Error(`create answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; title: string; body: string; owner: number; created_at: string; updated_at: string };
  }

  describe('list', () => {
    it('answers every note, ordered by id, in the exact shape, to anonymous and authenticated clients alike', async () => {
      await sql(t.databaseUrl, 'DELETE FROM notes_note');
      // Inserted out of id order, so an unordered list would show it (ids far above the sequence's).
      for (const [id, title, owner] of [
        [300000, 'thirty', aliceId],
        [100000, 'ten', bobId],
        [200000, 'twenty', aliceId],
      ] as const) {
        await sql(t.databaseUrl, 'INSERT INTO notes_note (id, title, body, owner_id) VALUES ($1, $2, $3, $4)', [id, title, `body of ${title}`, owner]);
      }
      const rows = await sql<NoteRow>(t.databaseUrl, 'SELECT * FROM notes_note ORDER BY id');
      for (const headers of [{}, bearer(alice), bearer(staff)]) {
        const res = await t.http().get('/api/notes/').set(headers);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(Array.isArray(res.body)).toBe(true);
        expect(res.body.map((n: { id: number }) => n.id)).toEqual([100000, 200000, 300000]);
        expect(res.body.map((n: { owner: number }) => n.owner)).toEqual([bobId, aliceId, aliceId]);
        res.body.forEach((note: Record<string, unknown>, i: number) => expectNoteMatchesRow(note, rows[i]));
      }
    });

    it('answers an empty array when there are no notes', async () => {
      await sql(t.databaseUrl, 'DELETE FROM notes_note');
      const res = await t.http().get('/api/notes/');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('answers with and without the trailing slash, and HEAD like GET', async () => {
      const note = await createNote(alice);
      const withSlash = await t.http().get('/api/notes/');
      const without = await t.http().get('/api/notes');
      expect(without.status).toBe(200);
      expect(without.body).toEqual(withSlash.body);
      expect(without.body.map((n: { id: number }) => n.id)).toContain(note.id);
      const head = await t.http().head('/api/notes/');
      expect(head.status).toBe(200);
      expect(head.text ?? '').toBe('');
    });

    it('still authenticates on a public read: an invalid token is a 401', async () => {
      const res = await t.http().get('/api/notes/').set(bearer('not-a-token'));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
      });
      expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
    });
  });

  describe('create', () => {
    it('answers 201 with the note, owned by the caller, as stored', async () => {
      const before = Date.now();
      const res = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'Groceries', body: 'Eggs, flour, milk' });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Number.isInteger(res.body.id)).toBe(true);
      expect(res.body).toMatchObject({ title: 'Groceries', body: 'Eggs, flour, milk', owner: aliceId });
      expect(typeof res.body.owner).toBe('number');
      expect(res.body.created_at).toBe(res.body.updated_at);
      expect(Date.parse(res.body.created_at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(res.body.created_at)).toBeLessThanOrEqual(Date.now() + 1000);
      const row = await noteRow(t, res.body.id);
      expect(row).toBeDefined();
      expectNoteMatchesRow(res.body, row!);
      // The new note is then served to anyone.
      const got = await t.http().get(`/api/notes/${res.body.id}/`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
    });

    it('makes staff the owner of what staff writes', async () => {
      expect((await createNote(staff)).owner).toBe(staffId);
      expect((await createNote(bob)).owner).toBe(bobId);
    });

    it('ignores a client-supplied owner, id and timestamps', async () => {
      const existing = await createNote(bob);
      const res = await t
        .http()
        .post('/api/notes/')
        .set(bearer(alice))
        .send({ title: 'mine', owner: bobId, id: existing.id, created_at: '2000-01-01T00:00:00Z', updated_at: '2000-01-01T00:00:00Z' });
      expect(res.status).toBe(201);
      expect(res.body.owner).toBe(aliceId);
      expect(res.body.id).not.toBe(existing.id);
      expect(res.body.created_at.startsWith('2000')).toBe(false);
      expect((await noteRow(t, existing.id))!.title).toBe(existing.title); // untouched
      expect((await noteRow(t, res.body.id))!.owner_id).toBe(aliceId);
    });

    it('takes body as optional (stored as "") and may be blank', async () => {
      const without = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'no body' });
      expect(without.status).toBe(201);
      expect(without.body).toMatchObject({ title: 'no body', body: '', owner: aliceId });
      const blank = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'blank body', body: '' });
      expect(blank.status).toBe(201);
      expect(blank.body.body).toBe('');
      expect((await noteRow(t, blank.body.id))!.body).toBe('');
    });

    it("trims surrounding whitespace from title and body, as DRF's CharField does", async () => {
      const res = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: '  \t Padded \n', body: '\n  inner  space  \t' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: 'Padded', body: 'inner  space' });
      const row = await noteRow(t, res.body.id);
      expect(row).toMatchObject({ title: 'Padded', body: 'inner  space' });
      // A body of whitespace only is blank, which body allows.
      const spaces = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'x', body: '   ' });
      expect(spaces.status).toBe(201);
      expect(spaces.body.body).toBe('');
    });

    it('takes a number as its decimal string', async () => {
      const res = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 42, body: 3.5 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: '42', body: '3.5' });
    });

    it('accepts exactly 200 characters of title, counted as characters (code points), after trimming', async () => {
      const exact = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'x'.repeat(200) });
      expect(exact.status).toBe(201);
      expect(exact.body.title).toBe('x'.repeat(200));
      const padded = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: `  ${'y'.repeat(200)}  ` });
      expect(padded.status).toBe(201);
      expect(padded.body.title).toBe('y'.repeat(200));
      const emoji = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: '😀'.repeat(200) });
      expect(emoji.status).toBe(201);
      expect((await noteRow(t, emoji.body.id))!.title).toBe('😀'.repeat(200));
    });

    it.each<[string, Record<string, unknown>, Record<string, string[]>]>([
      ['no title', { body: 'b' }, { title: ['This field is required.'] }],
      ['an empty object', {}, { title: ['This field is required.'] }],
      ['a blank title', { title: '' }, { title: ['This field may not be blank.'] }],
      ['a whitespace title', { title: '   \t' }, { title: ['This field may not be blank.'] }],
      ['a null title', { title: null }, { title: ['This field may not be null.'] }],
      ['a boolean title', { title: true }, { title: ['Not a valid string.'] }],
      ['an object title', { title: { a: 1 } }, { title: ['Not a valid string.'] }],
      ['an array title', { title: ['a'] }, { title: ['Not a valid string.'] }],
      ['a 201-character title', { title: 'x'.repeat(201) }, { title: ['Ensure this field has no more than 200 characters.'] }],
      ['201 emoji', { title: '😀'.repeat(201) }, { title: ['Ensure this field has no more than 200 characters.'] }],
      ['a NUL in the title', { title: 'a\u0000b' }, { title: ['Null characters are not allowed.'] }],
      ['a NUL in the body', { title: 'ok', body: 'a\u0000b' }, { body: ['Null characters are not allowed.'] }],
      ['a lone surrogate in the title', { title: 'a\ud800b' }, { title: ['Surrogate characters are not allowed: U+D800.'] }],
      ['a null body', { title: 'ok', body: null }, { body: ['This field may not be null.'] }],
      ['an object body', { title: 'ok', body: {} }, { body: ['Not a valid string.'] }],
      ['a bad title and a bad body', { title: '', body: false }, { title: ['This field may not be blank.'], body: ['Not a valid string.'] }],
    ])('answers 400 with field errors for %s, and stores nothing', async (_case, data, errors) => {
      const [{ count: before }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
      const res = await t.http().post('/api/notes/').set(bearer(alice)).send(data);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errors);
      const [{ count: after }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
      expect(after).toBe(before);
    });

    it.each<[string, string, Record<string, string[]>]>([
      ['a JSON array', '[{"title":"x"}]', { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
      ['a JSON string', '"x"', { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }],
      ['JSON null', 'null', { non_field_errors: ['No data provided'] }],
    ])('answers 400 for %s as the body', async (_case, raw, errors) => {
      const res = await t.http().post('/api/notes/').set(bearer(alice)).set('Content-Type', 'application/json').send(raw);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errors);
    });

    it('answers 400 for malformed JSON and 415 for an unsupported media type', async () => {
      const bad = await t.http().post('/api/notes/').set(bearer(alice)).set('Content-Type', 'application/json').send('{"title": ');
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body)).toEqual(['detail']);
      expect(bad.body.detail).toMatch(/^JSON parse error - /);
      const text = await t.http().post('/api/notes/').set(bearer(alice)).set('Content-Type', 'text/plain').send('title=x');
      expect(text.status).toBe(415);
      expect(text.body).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
    });

    it('reads an empty body without a content type as {} (title required)', async () => {
      const res = await t.http().post('/api/notes/').set(bearer(alice));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ title: ['This field is required.'] });
    });

    it('accepts a form-urlencoded body', async () => {
      const res = await t.http().post('/api/notes/').set(bearer(alice)).type('form').send({ title: ' From a form ', body: 'a=b&c' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: 'From a form', body: 'a=b&c', owner: aliceId });
      const blank = await t.http().post('/api/notes/').set(bearer(alice)).type('form').send({ title: '' });
      expect(blank.status).toBe(400);
      expect(blank.body).toEqual({ title: ['This field may not be blank.'] });
    });

    it('answers with and without the trailing slash', async () => {
      const res = await t.http().post('/api/notes').set(bearer(alice)).send({ title: 'no slash' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: 'no slash', owner: aliceId });
    });

    it('refuses an anonymous client with 401 and WWW-Authenticate, even with a bad body, and stores nothing', async () => {
      const [{ count: before }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
      for (const data of [{ title: 'anonymous' }, { title: '' }]) {
        const res = await t.http().post('/api/notes/').send(data);
        expect(res.status).toBe(401);
        expect(res.body).toEqual(NOT_AUTHENTICATED);
        expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      }
      const malformed = await t.http().post('/api/notes/').set('Content-Type', 'application/json').send('{oops');
      expect(malformed.status).toBe(401);
      expect(malformed.body).toEqual(NOT_AUTHENTICATED);
      const [{ count: after }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
      expect(after).toBe(before);
    });

    it('refuses a token of a user deleted or deactivated since logging in', async () => {
      const gone = await createUser(t, { username: 'gone-writer' });
      const sleepy = await createUser(t, { username: 'sleepy-writer' });
      const goneToken = (await login(t, 'gone-writer')).access;
      const sleepyToken = (await login(t, 'sleepy-writer')).access;
      await sql(t.databaseUrl, 'DELETE FROM auth_user WHERE id = $1', [gone.id]);
      await sql(t.databaseUrl, 'UPDATE auth_user SET is_active = false WHERE id = $1', [sleepy.id]);
      const a = await t.http().post('/api/notes/').set(bearer(goneToken)).send({ title: 'x' });
      expect(a.status).toBe(401);
      expect(a.body).toEqual(USER_NOT_FOUND);
      expect(a.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      const b = await t.http().post('/api/notes/').set(bearer(sleepyToken)).send({ title: 'x' });
      expect(b.status).toBe(401);
      expect(b.body).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
    });
  });

  describe('retrieve', () => {
    it('answers the note to anyone, with and without the trailing slash', async () => {
      const note = await createNote(alice, { title: 'Readable', body: 'by all' });
      for (const headers of [{}, bearer(alice), bearer(bob), bearer(staff)]) {
        for (const path of [`/api/notes/${note.id}/`, `/api/notes/${note.id}`]) {
          const res = await t.http().get(path).set(headers);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(note);
        }
      }
      expectNoteMatchesRow(note, (await noteRow(t, note.id))!);
    });

    it('answers HEAD like GET', async () => {
      const note = await createNote(alice);
      const res = await t.http().head(`/api/notes/${note.id}/`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it.each([
      ['an unknown id', '999999'],
      ['a non-numeric id', 'abc'],
      ['0', '0'],
      ['-1', '-1'],
      ['a leading zero', '01'],
      ['a decimal', '1.5'],
      ['one past the integer range', '2147483648'],
      ['a huge number', '99999999999999999999999999'],
      ['an exponent', '1e3'],
    ])('answers 404 {"detail": "Not found."} for %s, with and without the slash', async (_case, id) => {
      // Make sure the ids the odd spellings could be taken for do exist.
      await createNote(alice);
      for (const path of [`/api/notes/${id}/`, `/api/notes/${id}`]) {
        for (const headers of [{}, bearer(alice)]) {
          const res = await t.http().get(path).set(headers);
          expect(res.status).toBe(404);
          expect(res.body).toEqual(NOT_FOUND);
        }
      }
    });

    it('decodes a percent-encoded id before matching it, as Django does', async () => {
      const note = await createNote(alice, { title: 'Encoded' });
      const encoded = [...String(note.id)].map((digit) => `%3${digit}`).join('');
      const res = await t.http().get(`/api/notes/${encoded}/`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(note);
    });

    it('answers 404 for a note that was deleted', async () => {
      const note = await createNote(alice);
      await sql(t.databaseUrl, 'DELETE FROM notes_note WHERE id = $1', [note.id]);
      const res = await t.http().get(`/api/notes/${note.id}/`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    });
  });

  describe('PUT', () => {
    it('lets the owner replace the note: 200 with the new values, updated_at advanced, created_at kept', async () => {
      const note = await createNote(alice, { title: 'Old', body: 'old body' });
      await sleep(20);
      const res = await t.http().put(`/api/notes/${note.id}/`).set(bearer(alice)).send({ title: ' New ', body: 'new body', owner: bobId, id: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: note.id, title: 'New', body: 'new body', owner: aliceId, created_at: note.created_at });
      expect(Date.parse(res.body.updated_at)).toBeGreaterThan(Date.parse(note.updated_at));
      expectNoteMatchesRow(res.body, (await noteRow(t, note.id))!);
    });

    it('answers without the trailing slash too', async () => {
      const note = await createNote(alice);
      const res = await t.http().put(`/api/notes/${note.id}`).set(bearer(alice)).send({ title: 'slashless' });
      expect(res.status).toBe(200);
      expect(res.body.title).toBe('slashless');
    });

    it('keeps the body when a PUT leaves it out (it is not a required field)', async () => {
      const note = await createNote(alice, { title: 't', body: 'kept' });
      const res = await t.http().put(`/api/notes/${note.id}/`).set(bearer(alice)).send({ title: 'retitled' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'retitled', body: 'kept' });
    });

    it('requires the title on PUT, and validates as create does, changing nothing', async () => {
      const note = await createNote(alice, { title: 'Stays', body: 'stays' });
      const before = await noteRow(t, note.id);
      for (const [data, errors] of [
        [{ body: 'only body' }, { title: ['This field is required.'] }],
        [{}, { title: ['This field is required.'] }],
        [{ title: '' }, { title: ['This field may not be blank.'] }],
        [{ title: null }, { title: ['This field may not be null.'] }],
        [{ title: 'x'.repeat(201) }, { title: ['Ensure this field has no more than 200 characters.'] }],
        [{ title: 'ok', body: null }, { body: ['This field may not be null.'] }],
      ] as const) {
        const res = await t.http().put(`/api/notes/${note.id}/`).set(bearer(alice)).send(data);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(errors);
      }
      expect(await noteRow(t, note.id)).toEqual(before);
    });

    it("refuses another user with 403, leaving the note unchanged in the database", async () => {
      const note = await createNote(alice, { title: 'Private', body: 'hands off' });
      const before = await noteRow(t, note.id);
      const res = await t.http().put(`/api/notes/${note.id}/`).set(bearer(bob)).send({ title: 'Hijacked', body: 'mine now' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(await noteRow(t, note.id)).toEqual(before);
    });

    it('lets staff replace anyone\'s note; the owner stays the owner', async () => {
      const note = await createNote(alice, { title: 'Alice', body: 'a' });
      const res = await t.http().put(`/api/notes/${note.id}/`).set(bearer(staff)).send({ title: 'Moderated', body: 'by staff' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: note.id, title: 'Moderated', body: 'by staff', owner: aliceId });
      expect(await noteRow(t, note.id)).toMatchObject({ title: 'Moderated', body: 'by staff', owner_id: aliceId });
    });

    it('refuses an anonymous client with 401 and WWW-Authenticate', async () => {
      const note = await createNote(alice);
      const before = await noteRow(t, note.id);
      const res = await t.http().put(`/api/notes/${note.id}/`).send({ title: 'anon' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NOT_AUTHENTICATED);
      expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(await noteRow(t, note.id)).toEqual(before);
    });

    it('counts a PUT of the current values as a save: updated_at advances (Django auto_now)', async () => {
      const note = await createNote(alice, { title: 'Same', body: 'same' });
      await sleep(20);
      const res = await t.http().put(`/api/notes/${note.id}/`).set(bearer(alice)).send({ title: 'Same', body: 'same' });
      expect(res.status).toBe(200);
      expect(Date.parse(res.body.updated_at)).toBeGreaterThan(Date.parse(note.updated_at));
      expect((await noteRow(t, note.id))!.updated_at.getTime()).toBe(Date.parse(res.body.updated_at));
    });
  });

  describe('PATCH', () => {
    it('changes only the fields given', async () => {
      const note = await createNote(alice, { title: 'Title', body: 'Body' });
      await sleep(20);
      const title = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(alice)).send({ title: ' Only title ' });
      expect(title.status).toBe(200);
      expect(title.body).toMatchObject({ id: note.id, title: 'Only title', body: 'Body', owner: aliceId, created_at: note.created_at });
      expect(Date.parse(title.body.updated_at)).toBeGreaterThan(Date.parse(note.updated_at));
      const body = await t.http().patch(`/api/notes/${note.id}`).set(bearer(alice)).send({ body: 'Only body' });
      expect(body.status).toBe(200);
      expect(body.body).toMatchObject({ title: 'Only title', body: 'Only body' });
      const blank = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(alice)).send({ body: '' });
      expect(blank.status).toBe(200);
      expect(blank.body).toMatchObject({ title: 'Only title', body: '' });
      expectNoteMatchesRow(blank.body, (await noteRow(t, note.id))!);
    });

    it('answers 200 to an empty PATCH and changes no field', async () => {
      const note = await createNote(alice, { title: 'Untouched', body: 'untouched' });
      for (const send of [(r: ReturnType<ReturnType<TestApp['http']>['patch']>) => r, (r: ReturnType<ReturnType<TestApp['http']>['patch']>) => r.send({})]) {
        const res = await send(t.http().patch(`/api/notes/${note.id}/`).set(bearer(alice)));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: note.id, title: 'Untouched', body: 'untouched', owner: aliceId, created_at: note.created_at });
      }
      expect(await noteRow(t, note.id)).toMatchObject({ title: 'Untouched', body: 'untouched', owner_id: aliceId });
    });

    it('ignores owner and id in a PATCH', async () => {
      const note = await createNote(alice);
      const res = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(alice)).send({ owner: bobId, id: note.id + 1000 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: note.id, owner: aliceId });
      expect((await noteRow(t, note.id))!.owner_id).toBe(aliceId);
    });

    it.each<[string, Record<string, unknown>, Record<string, string[]>]>([
      ['a blank title', { title: '' }, { title: ['This field may not be blank.'] }],
      ['a null title', { title: null }, { title: ['This field may not be null.'] }],
      ['a long title', { title: 'z'.repeat(201) }, { title: ['Ensure this field has no more than 200 characters.'] }],
      ['a null body', { body: null }, { body: ['This field may not be null.'] }],
      ['an array body', { body: [] }, { body: ['Not a valid string.'] }],
    ])('answers 400 for %s, changing nothing', async (_case, data, errors) => {
      const note = await createNote(alice);
      const before = await noteRow(t, note.id);
      const res = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(alice)).send(data);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errors);
      expect(await noteRow(t, note.id)).toEqual(before);
    });

    it('refuses another user (403), lets staff (200), refuses anonymous (401)', async () => {
      const note = await createNote(alice, { title: 'Mine', body: 'mine' });
      const before = await noteRow(t, note.id);
      const other = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(bob)).send({ title: 'Bob was here' });
      expect(other.status).toBe(403);
      expect(other.body).toEqual(FORBIDDEN);
      const anonymous = await t.http().patch(`/api/notes/${note.id}/`).send({ title: 'anon' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(NOT_AUTHENTICATED);
      expect(anonymous.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(await noteRow(t, note.id)).toEqual(before);
      const byStaff = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(staff)).send({ body: 'staff edit' });
      expect(byStaff.status).toBe(200);
      expect(byStaff.body).toMatchObject({ title: 'Mine', body: 'staff edit', owner: aliceId });
    });

    it('accepts a form-urlencoded PATCH', async () => {
      const note = await createNote(alice, { title: 'Form', body: 'before' });
      const res = await t.http().patch(`/api/notes/${note.id}/`).set(bearer(alice)).type('form').send({ body: 'after' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'Form', body: 'after' });
    });
  });

  describe('DELETE', () => {
    it('lets the owner delete: 204 with an empty body, then 404', async () => {
      const note = await createNote(alice);
      const res = await t.http().delete(`/api/notes/${note.id}/`).set(bearer(alice));
      expect(res.status).toBe(204);
      expect(res.text ?? '').toBe('');
      expect(res.headers['content-length'] ?? '0').toBe('0');
      expect(await noteRow(t, note.id)).toBeUndefined();
      const after = await t.http().get(`/api/notes/${note.id}/`);
      expect(after.status).toBe(404);
      expect(after.body).toEqual(NOT_FOUND);
      const again = await t.http().delete(`/api/notes/${note.id}/`).set(bearer(alice));
      expect(again.status).toBe(404);
      expect(again.body).toEqual(NOT_FOUND);
    });

    it('answers without the trailing slash too', async () => {
      const note = await createNote(alice);
      const res = await t.http().delete(`/api/notes/${note.id}`).set(bearer(alice));
      expect(res.status).toBe(204);
      expect(await noteRow(t, note.id)).toBeUndefined();
    });

    it('refuses another user with 403 and keeps the row', async () => {
      const note = await createNote(alice);
      const res = await t.http().delete(`/api/notes/${note.id}/`).set(bearer(bob));
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
      expect(await noteRow(t, note.id)).toBeDefined();
    });

    it('lets staff delete anyone\'s note (204)', async () => {
      const note = await createNote(bob);
      const res = await t.http().delete(`/api/notes/${note.id}/`).set(bearer(staff));
      expect(res.status).toBe(204);
      expect(res.text ?? '').toBe('');
      expect(await noteRow(t, note.id)).toBeUndefined();
    });

    it('refuses an anonymous client with 401 and keeps the row', async () => {
      const note = await createNote(alice);
      const res = await t.http().delete(`/api/notes/${note.id}/`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NOT_AUTHENTICATED);
      expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
      expect(await noteRow(t, note.id)).toBeDefined();
    });
  });

  describe('object permissions run only on an existing note', () => {
    it.each([['999999'], ['abc'], ['0']])('answers 404 (not 403) to a non-owner writing note %s', async (id) => {
      for (const [method, data] of [
        ['put', { title: 'x' }],
        ['patch', { title: 'x' }],
        ['delete', undefined],
      ] as const) {
        const res = await t.http()[method](`/api/notes/${id}/`).set(bearer(bob)).send(data);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
    });

    it('answers 401 to an anonymous write of an unknown note (view permissions come first)', async () => {
      const res = await t.http().delete('/api/notes/999999/');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NOT_AUTHENTICATED);
    });

    // DRF's UpdateModelMixin calls get_object() (404, then check_object_permissions: 403) before
    // it reads request.data: a bad body cannot turn a 403 or a 404 into a 400.
    it.each<[string, 'put' | 'patch', string]>([
      ['a PUT with a blank title', 'put', '{"title": ""}'],
      ['a PATCH with a null title', 'patch', '{"title": null}'],
      ['a PATCH with malformed JSON', 'patch', '{oops'],
    ])('answers 403, not 400, to a non-owner sending %s', async (_case, method, raw) => {
      const note = await createNote(alice, { title: 'Guarded', body: 'g' });
      const res = await t.http()[method](`/api/notes/${note.id}/`).set(bearer(bob)).set('Content-Type', 'application/json').send(raw);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it.each([['999999'], ['abc']])('answers 404, not 400, to an invalid body for unknown note %s', async (id) => {
      const put = await t.http().put(`/api/notes/${id}/`).set(bearer(alice)).send({ body: 'no title' });
      expect(put.status).toBe(404);
      expect(put.body).toEqual(NOT_FOUND);
    });
  });

  describe('wrong methods', () => {
    it('on /api/notes/: 401 anonymous, 405 with Allow authenticated', async () => {
      for (const path of ['/api/notes/', '/api/notes']) {
        const anonymous = await t.http().delete(path);
        expect(anonymous.status).toBe(401);
        expect(anonymous.body).toEqual(NOT_AUTHENTICATED);
        expect(anonymous.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
        for (const method of ['delete', 'put', 'patch'] as const) {
          const res = await t.http()[method](path).set(bearer(alice)).send({ title: 'x' });
          expect(res.status).toBe(405);
          expect(res.body).toEqual({ detail: `Method "${method.toUpperCase()}" not allowed.` });
          expect(res.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
        }
      }
    });

    it('on /api/notes/{id}/: 401 anonymous, 405 with Allow authenticated, and nothing is created', async () => {
      const note = await createNote(alice);
      const [{ count: before }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
      const anonymous = await t.http().post(`/api/notes/${note.id}/`).send({ title: 'x' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(NOT_AUTHENTICATED);
      for (const path of [`/api/notes/${note.id}/`, `/api/notes/${note.id}`]) {
        const res = await t.http().post(path).set(bearer(alice)).send({ title: 'x' });
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ detail: 'Method "POST" not allowed.' });
        expect(res.headers.allow).toBe('GET, PUT, PATCH, DELETE, HEAD, OPTIONS');
      }
      const [{ count: after }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
      expect(after).toBe(before);
    });
  });

  describe('timestamps', () => {
    // DRF's DateTimeField renders value.isoformat() with "+00:00" as "Z": six fraction digits,
    // and no fraction at all on a whole second. The app writes milliseconds; a value with
    // microseconds (written by Django) shows its first three, as JavaScript dates hold no more.
    it('are rendered as DRF renders them', async () => {
      const note = await createNote(alice);
      const cases = [
        ['2024-05-06 07:08:09.123+00', '2024-05-06T07:08:09.123000Z'],
        ['2024-05-06 07:08:09.123456+00', '2024-05-06T07:08:09.123000Z'],
        ['2024-05-06 07:08:09.5+00', '2024-05-06T07:08:09.500000Z'],
        ['2024-05-06 07:08:09+00', '2024-05-06T07:08:09Z'],
      ];
      const created = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'fresh' });
      expect(created.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}000)?Z$/);
      for (const [stored, rendered] of cases) {
        await sql(t.databaseUrl, 'UPDATE notes_note SET created_at = $1, updated_at = $1 WHERE id = $2', [stored, note.id]);
        const res = await t.http().get(`/api/notes/${note.id}/`);
        expect(res.status).toBe(200);
        expect({ created_at: res.body.created_at, updated_at: res.body.updated_at }).toEqual({ created_at: rendered, updated_at: rendered });
      }
    });
  });

  it("deletes a user's notes with the user (ON DELETE CASCADE)", async () => {
    const carol = await createUser(t, { username: 'carol' });
    const token = (await login(t, 'carol')).access;
    const notes = await Promise.all([1, 2, 3].map((i) => createNote(token, { title: `carol ${i}` })));
    const kept = await createNote(alice, { title: 'not carol' });
    expect(notes.map((n) => n.owner)).toEqual([carol.id, carol.id, carol.id]);
    await sql(t.databaseUrl, 'DELETE FROM auth_user WHERE id = $1', [carol.id]);
    const [{ count }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note WHERE owner_id = $1', [carol.id]);
    expect(count).toBe(0);
    expect(await noteRow(t, kept.id)).toBeDefined();
    const res = await t.http().get('/api/notes/');
    expect(res.status).toBe(200);
    expect(res.body.some((n: { owner: number }) => n.owner === carol.id)).toBe(false);
    const gone = await t.http().get(`/api/notes/${notes[0].id}/`);
    expect(gone.status).toBe(404);
  });
});

describe('notes with JWT_AUTHENTICATION_CLASS=JWTStatelessUserAuthentication', () => {
  let t: TestApp;
  let aliceId: number;
  let bobId: number;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await startApp({ JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication' });
    aliceId = (await createUser(t, { username: 'alice' })).id;
    bobId = (await createUser(t, { username: 'bob' })).id;
    alice = (await login(t, 'alice')).access;
    bob = (await login(t, 'bob')).access;
  }, 60000);
  afterAll(async () => {
    await t?.close();
    await dropDatabases();
  });

  it("makes the token's user the owner, and only that user may change the note", async () => {
    const created = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'Stateless', body: 'b' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Stateless', body: 'b', owner: aliceId });
    expect(typeof created.body.owner).toBe('number');
    const id = created.body.id;
    const other = await t.http().patch(`/api/notes/${id}/`).set(bearer(bob)).send({ title: 'bob' });
    expect(other.status).toBe(403);
    expect(other.body).toEqual(FORBIDDEN);
    const otherDelete = await t.http().delete(`/api/notes/${id}/`).set(bearer(bob));
    expect(otherDelete.status).toBe(403);
    const own = await t.http().put(`/api/notes/${id}/`).set(bearer(alice)).send({ title: 'Still mine' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id, title: 'Still mine', body: 'b', owner: aliceId });
    const deleted = await t.http().delete(`/api/notes/${id}/`).set(bearer(alice));
    expect(deleted.status).toBe(204);
    const [{ count }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note WHERE id = $1', [id]);
    expect(count).toBe(0);
  });

  it('takes a user id given as its canonical decimal string; the owner is still an integer', async () => {
    const token = signed(accessClaims(String(aliceId)));
    const created = await t.http().post('/api/notes/').set(bearer(token)).send({ title: 'string id' });
    expect(created.status).toBe(201);
    expect(created.body.owner).toBe(aliceId);
    const edit = await t.http().patch(`/api/notes/${created.body.id}/`).set(bearer(alice)).send({ body: 'edited by the numeric id' });
    expect(edit.status).toBe(200);
    const edit2 = await t.http().patch(`/api/notes/${created.body.id}/`).set(bearer(token)).send({ body: 'and by the string id' });
    expect(edit2.status).toBe(200);
    expect(edit2.body.body).toBe('and by the string id');
  });

  it('lets a token with the is_staff claim change anyone\'s note', async () => {
    const note = await t.http().post('/api/notes/').set(bearer(bob)).send({ title: "bob's" });
    expect(note.status).toBe(201);
    const notStaff = await t.http().patch(`/api/notes/${note.body.id}/`).set(bearer(signed(accessClaims(aliceId)))).send({ title: 'x' });
    expect(notStaff.status).toBe(403);
    const staff = signed(accessClaims(aliceId, { is_staff: true }));
    const res = await t.http().patch(`/api/notes/${note.body.id}/`).set(bearer(staff)).send({ title: 'moderated' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'moderated', owner: bobId });
  });

  it('answers 401 user_not_found, not a 500, to a create by a user deleted since the token was issued', async () => {
    const gone = await createUser(t, { username: 'gone' });
    const { access } = await login(t, 'gone');
    await sql(t.databaseUrl, 'DELETE FROM auth_user WHERE id = $1', [gone.id]);
    // Reads still work: the stateless mode makes no lookup.
    expect((await t.http().get('/api/notes/').set(bearer(access))).status).toBe(200);
    const res = await t.http().post('/api/notes/').set(bearer(access)).send({ title: 'orphan' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(USER_NOT_FOUND);
    expect(res.headers['www-authenticate']).toBe(WWW_AUTHENTICATE);
    const [{ count }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note WHERE owner_id = $1', [gone.id]);
    expect(count).toBe(0);
  });

  // The wire contract: a user_id that is not a positive integer or its canonical decimal string
  // identifies no user. In the stateless mode such a token names nobody who can own a note.
  it.each<[string, () => unknown]>([
    ['"abc"', () => 'abc'],
    ['a leading zero ("0" + the id of alice)', () => `0${aliceId}`],
    ['1.5', () => 1.5],
    ['0', () => 0],
    ['-1', () => -1],
    ['2147483648 (past the integer range)', () => 2147483648],
    ['2 ** 40 (far past the integer range)', () => 2 ** 40],
  ])('answers 401 user_not_found, never a 500 nor a note, to a create with user_id %s', async (_case, userId) => {
    const [{ count: before }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
    const res = await t.http().post('/api/notes/').set(bearer(signed(accessClaims(userId())))).send({ title: 'who?' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(USER_NOT_FOUND);
    const [{ count: after }] = await sql<{ count: number }>(t.databaseUrl, 'SELECT count(*)::int AS count FROM notes_note');
    expect(after).toBe(before);
  });

  it("does not let a user_id with a leading zero act as the owner it resembles", async () => {
    const note = await t.http().post('/api/notes/').set(bearer(alice)).send({ title: 'alice only' });
    expect(note.status).toBe(201);
    const res = await t.http().patch(`/api/notes/${note.body.id}/`).set(bearer(signed(accessClaims(`0${aliceId}`)))).send({ title: 'impostor' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(FORBIDDEN);
    expect((await noteRow(t, note.body.id))!.title).toBe('alice only');
  });
});
