// node bench/verify.mjs [path/to/auth/dist]
//
// The bearer hot path without HTTP: TokenService.verifySignature + checkClaims on an access token
// as the app mints it (HS256, SimpleJWT's claims), and the Authorization header parse before it,
// timed in-process. Compare two builds of the package by passing another dist folder.
import { JwtService } from '@nestjs/jwt';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? 'packages/auth/dist');
const auth = await import(pathToFileURL(`${dist}/index.js`).href);
const { rawTokenFrom } = await import(pathToFileURL(`${dist}/authentication/authorization-header.js`).href);
const settings = auth.resolveSettings({ SIGNING_KEY: 'bench-signing-key-0123456789abcdefghijklmnopqrstuv' });
const tokens = new auth.TokenService(settings, new JwtService({ secret: settings.SIGNING_KEY }));
const token = tokens.mint('access', { user_id: 42 }, 900).token;
const request = { headers: { authorization: `Bearer ${token}` } };

function run(label, fn, n = 200000) {
  for (let i = 0; i < 20000; i++) fn();
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - started) / n);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${(rounds[3] / 1000).toFixed(2)} µs  (min ${(rounds[0] / 1000).toFixed(2)})`);
}

console.log(`package: ${dist}`);
run('header parse (rawTokenFrom)', () => rawTokenFrom(request, 'authorization', ['Bearer']));
run('verifySignature + checkClaims (access)', () => tokens.checkClaims(tokens.verifySignature(token), 'access'));
run('all three', () => tokens.checkClaims(tokens.verifySignature(rawTokenFrom(request, 'authorization', ['Bearer'])), 'access'));
run('mint (sign an access token)', () => tokens.mint('access', { user_id: 42 }, 900), 50000);
