import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { UserStore } from '@nest-simplejwt/auth';
import { Repository } from 'typeorm';
import { Member, type Role } from './member.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 32, (error, key) => (error ? reject(error) : resolve(key))));
}

async function hashed(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${(await derive(password, salt)).toString('hex')}`;
}

/** The AuthModule's port over this app's members. */
@Injectable()
export class MembersStore implements UserStore<Member> {
  private readonly dummySalt = randomBytes(16);

  constructor(@InjectRepository(Member) private readonly members: Repository<Member>) {}

  async add(email: string, password: string, role: Role = 'member'): Promise<Member> {
    return this.members.save(this.members.create({ email, role, passwordHash: await hashed(password) }));
  }

  async authenticate(email: string, password: string): Promise<Member | null> {
    const member = await this.members.findOneBy({ email: email.toLowerCase() });
    const [, salt, hash] = member ? member.passwordHash.split('$') : ['', this.dummySalt.toString('hex'), '00'.repeat(32)];
    const derived = await derive(password, Buffer.from(salt, 'hex'));
    return member !== null && timingSafeEqual(derived, Buffer.from(hash, 'hex')) ? member : null;
  }

  async checkPassword(member: Member, password: string): Promise<boolean> {
    const [, salt, hash] = member.passwordHash.split('$');
    return timingSafeEqual(await derive(password, Buffer.from(salt, 'hex')), Buffer.from(hash, 'hex'));
  }

  async setPassword(member: Member, password: string): Promise<void> {
    member.passwordHash = await hashed(password);
    await this.members.update({ id: member.id }, { passwordHash: member.passwordHash });
  }

  findByIdField(field: string, value: string | number): Promise<Member | null> {
    if (field !== 'id' || typeof value !== 'string' || !UUID.test(value)) return Promise.resolve(null);
    return this.members.findOneBy({ id: value });
  }

  getIdField(member: Member): string {
    return member.id;
  }

  isActive(member: Member): boolean {
    return member.enabled;
  }

  isStaff(member: Member): boolean {
    return member.role === 'manager';
  }
}
