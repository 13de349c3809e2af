import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Permission, PermissionClass } from './permission.js';

/**
 * Turns permission classes into instances, once each. A class registered as a provider anywhere
 * in the app is taken from there (so it may inject your services); any other is created here.
 */
@Injectable()
export class PermissionResolver {
  private readonly instances = new Map<PermissionClass, Promise<Permission>>();

  constructor(private readonly moduleRef: ModuleRef) {}

  instance(type: PermissionClass): Promise<Permission> {
    let instance = this.instances.get(type);
    if (instance === undefined) {
      instance = this.create(type);
      this.instances.set(type, instance);
    }
    return instance;
  }

  all(types: readonly PermissionClass[]): Promise<Permission[]> {
    return Promise.all(types.map((type) => this.instance(type)));
  }

  private async create(type: PermissionClass): Promise<Permission> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}
