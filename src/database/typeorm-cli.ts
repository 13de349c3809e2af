// The DataSource TypeORM's own CLI loads: `npm run typeorm -- migration:show` (after a build).
// It needs DATABASE_URL; `npm run cli -- migrate` also works with the embedded database.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to use the TypeORM CLI (or use `npm run cli -- migrate`).');

export default new DataSource(dataSourceOptions(url));
