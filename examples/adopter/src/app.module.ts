import { Module, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTH_ENTITIES, AUTH_MIGRATIONS, AuthModule, DrfValidationPipe } from '@nest-simplejwt/auth';
import { CreateMembers1760000000000 } from './members/create-members.migration.js';
import { Member } from './members/member.entity.js';
import { MembersModule } from './members/members.module.js';
import { MembersStore } from './members/members.store.js';
import { IsManager } from './projects/is-manager.permission.js';
import { ProjectsController } from './projects/projects.controller.js';

export interface Settings {
  databaseUrl: string;
  signingKey: string;
}

@Module({})
export class AppModule {
  static register(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: settings.databaseUrl,
          entities: [Member, ...AUTH_ENTITIES],
          migrations: [CreateMembers1760000000000, ...AUTH_MIGRATIONS],
          migrationsRun: true,
        }),
        MembersModule,
        AuthModule.forRootAsync({
          imports: [MembersModule],
          inject: [MembersStore],
          useFactory: (members: MembersStore) => ({
            userStore: members,
            SIGNING_KEY: settings.signingKey,
            ACCESS_TOKEN_LIFETIME: '5m',
            // `member` is a Member: the user type comes from the store.
            tokenClaims: (member) => ({ email: member.email, role: member.role }),
          }),
        }),
      ],
      controllers: [ProjectsController],
      providers: [IsManager, { provide: APP_PIPE, useClass: DrfValidationPipe }],
    };
  }
}
