// npm run test:reliability: the fault drills, one at a time (they time things, and each starts
// its own PostgreSQL and app processes). Same transform as the specs; no shared database.
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/reliability/**/*.drill.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testTimeout: 180000,
  maxWorkers: 1,
};
