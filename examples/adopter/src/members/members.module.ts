import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Member } from './member.entity.js';
import { MembersStore } from './members.store.js';

@Module({
  imports: [TypeOrmModule.forFeature([Member])],
  providers: [MembersStore],
  exports: [MembersStore],
})
export class MembersModule {}
