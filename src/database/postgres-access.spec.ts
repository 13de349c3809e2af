import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { blockedDirectory, type OsUser } from './postgres-access.js';

describe('blockedDirectory: where another OS user is stopped on the way to a path', () => {
  const root = mkdtempSync(join(tmpdir(), 'postgres-access-'));
  chmodSync(root, 0o755);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const owner = statSync(root);
  /** Someone who is neither the owner of these directories nor in their group. */
  const stranger: OsUser = { name: 'stranger', uid: owner.uid + 4242, gid: owner.gid + 4242, groups: [owner.gid + 4242] };
  const member: OsUser = { ...stranger, name: 'member', groups: [owner.gid + 4242, owner.gid] };

  function tree(modes: Record<string, number>): string {
    const base = mkdtempSync(join(root, 'tree-'));
    chmodSync(base, 0o755);
    for (const [path, mode] of Object.entries(modes)) {
      mkdirSync(join(base, path), { recursive: true });
      chmodSync(join(base, path), mode);
    }
    return base;
  }

  it('names the first directory without search permission for that user, with its mode', () => {
    const base = tree({ home: 0o700, 'home/project': 0o755 });
    expect(blockedDirectory(join(base, 'home', 'project', '.data'), stranger)).toEqual({ dir: join(base, 'home'), mode: 0o700 });
  });

  it('is null when every directory lets the user through (search is enough, reading is not needed)', () => {
    const base = tree({ srv: 0o711, 'srv/app': 0o755 });
    expect(blockedDirectory(join(base, 'srv', 'app', '.data'), stranger)).toBeNull();
  });

  it('checks the group bits for a member of the group, the owner bits for the owner', () => {
    const base = tree({ shared: 0o750 });
    expect(blockedDirectory(join(base, 'shared'), member)).toBeNull();
    expect(blockedDirectory(join(base, 'shared'), stranger)).toEqual({ dir: join(base, 'shared'), mode: 0o750 });
    const self: OsUser = { name: 'self', uid: owner.uid, gid: owner.gid, groups: [owner.gid] };
    expect(blockedDirectory(join(base, 'shared'), self)).toBeNull();
  });

  it('stops at a directory that does not exist yet: it will be made with mode 0755', () => {
    const base = tree({});
    expect(blockedDirectory(join(base, 'not', 'yet', 'there'), stranger)).toBeNull();
  });
});
