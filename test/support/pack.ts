import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectSuccess, runCommand } from './commands.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the tarball, relative to its package/ folder. */
  files: string[];
}

/** `npm pack` of the AuthModule package as it is built now (npm test builds first). */
export async function packAuthModule(): Promise<Packed> {
  const destination = mkdtempSync(join(tmpdir(), 'simplejwt-pack-'));
  const result = await runCommand('npm', ['pack', '--workspace', '@nest-simplejwt/auth', '--pack-destination', destination, '--json'], { cwd: ROOT });
  expectSuccess(result, 'npm pack');
  const [info] = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(destination, info.filename), files: info.files.map((f) => f.path) };
}
