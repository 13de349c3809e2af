// TypeORM's conventional entry point, for TypeScript-aware tools; the compiled one that
// `npm run typeorm -- <command>` loads is dist/database/typeorm-cli.js.
export { default } from './src/database/typeorm-cli.js';
