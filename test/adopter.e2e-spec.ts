import { afterAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectSuccess, runCommand } from './support/commands.js';
import { dropDatabases, emptyDatabase } from './support/database.js';
import { packAuthModule, ROOT } from './support/pack.js';

/** The README's adoption snippet: the TypeScript block after the marker comment. */
function readmeSnippet(): string {
  const readme = readFileSync(join(ROOT, 'packages/auth/README.md'), 'utf8');
  const marker = readme.indexOf('<!-- compiled by test/adopter.e2e-spec.ts -->');
  if (marker < 0) throw new Error('packages/auth/README.md lost its compiled-snippet marker');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!block) throw new Error('no ```ts block after the marker');
  return block[1];
}

describe('examples/adopter: an Express app that installs the packed AuthModule as a team would', () => {
  const work = mkdtempSync(join(tmpdir(), 'simplejwt-adopter-'));
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await dropDatabases();
  });

  it('installs the tarball, compiles (with the README snippet) and passes its own e2e specs', async () => {
    const { tarball } = await packAuthModule();
    const app = join(work, 'adopter');
    cpSync(join(ROOT, 'examples/adopter'), app, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|dist)$/.test(source),
    });
    writeFileSync(join(app, 'src/readme-snippet.ts'), readmeSnippet());
    const npm = (args: string[]) => runCommand('npm', [...args, '--no-audit', '--no-fund'], { cwd: app });
    expectSuccess(await npm(['ci']), 'npm ci');
    expectSuccess(await npm(['install', '--no-save', tarball]), 'npm install <tarball>');
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/@nest-simplejwt/auth/package.json'), 'utf8'));
    expect(installed.name).toBe('@nest-simplejwt/auth');
    expectSuccess(await runCommand('npm', ['run', 'build'], { cwd: app }), 'tsc (the app and the README snippet)');
    const tests = await runCommand(process.execPath, ['--test', '--test-reporter=tap', 'dist/test/adopter.test.js'], {
      cwd: app,
      env: { ...process.env, DATABASE_URL: await emptyDatabase(), NODE_OPTIONS: '' },
    });
    expectSuccess(tests, "the adopter's specs");
    expect(tests.stdout).toMatch(/# pass 7\n/);
    expect(tests.stdout).toMatch(/# fail 0\n/);
  }, 600_000);
});
