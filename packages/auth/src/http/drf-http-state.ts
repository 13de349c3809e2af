import type { INestApplication } from '@nestjs/common';

/** The application each HTTP adapter serves, as setupDrfHttp() met it (for its global prefix). */
const applications = new WeakMap<object, INestApplication>();

export function rememberApplication(app: INestApplication): void {
  applications.set(app.getHttpAdapter(), app);
}

/** The app's global prefix (`app.setGlobalPrefix()`), '' when none or unknown. */
export function globalPrefixOf(adapter: object): string {
  const app = applications.get(adapter) as { config?: { getGlobalPrefix?(): string } } | undefined;
  return app?.config?.getGlobalPrefix?.() ?? '';
}
