import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { packAuthModule } from '../../../test/support/pack.js';

/** Every file below `dir`, relative to it. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, base) : [relative(base, path)];
  });
}

/** The module specifiers a JS or declaration file imports or re-exports. */
function specifiers(source: string): string[] {
  const found = [...source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm)];
  return found.map((m) => m[1] ?? m[2] ?? m[3]);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('what `npm pack` puts in the AuthModule tarball', () => {
  it('ships the build, its declarations, README, CHANGELOG and LICENSE; no source, specs or maps; nothing pointing outside', async () => {
    const { tarball, files } = await packAuthModule();
    const dir = mkdtempSync(join(tmpdir(), 'simplejwt-unpacked-'));
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const root = join(dir, 'package');
    expect(walk(root).sort()).toEqual([...files].sort());

    for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
      expect(files).toContain(required);
    }
    expect(files.filter((f) => /\.spec\.|\.map$|tsbuildinfo|^src\/|^test\//.test(f))).toEqual([]);
    expect(files.every((f) => /^(dist\/.+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(f))).toBe(true);

    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('@nest-simplejwt/auth');
    expect(manifest.type).toBe('module');
    for (const target of [manifest.main, manifest.types, manifest.exports['.'].types, manifest.exports['.'].default]) {
      expect(existsSync(resolve(root, target))).toBe(true);
    }
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    for (const range of Object.values({ ...manifest.dependencies, ...manifest.peerDependencies }) as string[]) {
      expect(range).not.toMatch(/^(file|link|workspace):/);
    }
    for (const peer of ['@nestjs/common', '@nestjs/core', 'typeorm', 'pg']) expect(Object.keys(manifest.peerDependencies)).toContain(peer);

    // Every import resolves inside the tarball, or names a declared dependency or a Node built-in.
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    let checked = 0;
    for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
      for (const specifier of specifiers(readFileSync(join(root, file), 'utf8'))) {
        checked++;
        if (specifier.startsWith('.')) {
          const target = resolve(root, dirname(file), specifier);
          const candidates = file.endsWith('.d.ts') ? [target.replace(/\.js$/, '.d.ts'), target] : [target];
          if (!target.startsWith(root + '/') || !candidates.some((c) => existsSync(c))) problems.push(`${file}: ${specifier}`);
        } else if (!specifier.startsWith('node:') && !builtins.has(specifier) && !declared.has(packageOf(specifier))) {
          problems.push(`${file}: ${specifier} (undeclared)`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });
});
