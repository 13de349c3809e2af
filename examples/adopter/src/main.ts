import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { setupDrfHttp } from '@nest-simplejwt/auth';
import { AppModule } from './app.module.js';

const databaseUrl = process.env.DATABASE_URL;
const signingKey = process.env.JWT_SIGNING_KEY;
if (!databaseUrl || !signingKey) {
  console.error('Set DATABASE_URL and JWT_SIGNING_KEY');
  process.exit(1);
}
const app = await NestFactory.create(AppModule.register({ databaseUrl, signingKey }));
await setupDrfHttp(app);
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`Listening on ${await app.getUrl()}`);
