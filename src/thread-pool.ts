import { availableParallelism } from 'node:os';

/** Hashes run one fewer than the cores at a time (see PasswordHasher), plus one thread for the rest. */
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));
