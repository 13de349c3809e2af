import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ALGORITHMS, type Algorithm } from '@nest-simplejwt/auth';
import { generateSigningKey } from '../../config/generate-key.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

/** A new signing key, printed for JWT_SIGNING_KEY: nothing is stored, no database is opened. */
export default defineCommand({
  name: 'generatekey',
  summary: 'Print a new signing key for JWT_SIGNING_KEY (nothing is stored)',
  usage: '[--algorithm <algorithm>] [--public]',
  options: {
    algorithm: { type: 'string' },
    public: { type: 'boolean', default: false },
  },
  optionHelp: {
    algorithm: `one of ${ALGORITHMS.join(', ')} (default: JWT_ALGORITHM, else HS256)`,
    public: 'also print the public key after the private one (for JWT_VERIFYING_KEY or JWT_EXTRA_VERIFYING_KEYS elsewhere)',
  },
  notes:
    'HS*: a random secret of the hash size, base64url. RS*/PS*: an RSA key (2048, 3072 or 4096 bits), ES*: an EC key on\n' +
    'its curve, EdDSA: an Ed25519 key, each PKCS#8 PEM. For rotating keys without logging anyone out, see the README (Keys).',
  async run({ values }, cli) {
    const algorithm = (values.algorithm ?? (cli.env.JWT_ALGORITHM || 'HS256')) as Algorithm;
    if (!ALGORITHMS.includes(algorithm)) throw new UsageError(`--algorithm: expected one of ${ALGORITHMS.join(', ')}, got '${algorithm}'`);
    if (values.public && algorithm.startsWith('HS')) throw new UsageError('--public: an HMAC secret has no public key');
    const key = generateSigningKey(algorithm);
    cli.out(key.trimEnd());
    if (values.public) cli.out(createPublicKey(createPrivateKey(key)).export({ type: 'spki', format: 'pem' }).toString().trimEnd());
  },
});
