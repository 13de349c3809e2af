import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DjangoUserImport } from './django-import.js';
import { MeController } from './me.controller.js';
import { UsersController } from './users.controller.js';
import { User } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [MeController, UsersController],
  providers: [UsersService, DjangoUserImport],
  exports: [UsersService, DjangoUserImport],
})
export class UsersModule {}
