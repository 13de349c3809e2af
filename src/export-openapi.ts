// `npm run openapi`: writes openapi.json (the document of the default configuration) at the
// repository root; test/openapi-document.e2e-spec.ts fails when the code drifts from it.
import 'reflect-metadata';
import { exportOpenApi, OPENAPI_FILE } from './http/openapi-file.js';

exportOpenApi().then(
  () => console.log(`Wrote ${OPENAPI_FILE}`),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
