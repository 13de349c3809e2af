import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { Permission, PermissionClass } from './permission.js';
import { PermissionResolver } from './permission-resolver.service.js';

/**
 * Base of the composed permissions: a class itself, so composition nests. It refuses with the
 * default 403 message; it keeps no per-request state (it is shared by concurrent requests).
 */
abstract class Composed implements Permission {
  static operands: readonly PermissionClass[] = [];
  protected operands?: Permission[];

  constructor(private readonly resolver: PermissionResolver) {}

  abstract hasPermission(context: ExecutionContext): Promise<boolean>;
  abstract hasObjectPermission(context: ExecutionContext, object: unknown): Promise<boolean>;

  protected async resolved(): Promise<Permission[]> {
    this.operands ??= await this.resolver.all((this.constructor as typeof Composed).operands);
    return this.operands;
  }
}

type ComposedClass = new (resolver: PermissionResolver) => Permission;

function named(type: ComposedClass, name: string, operands: PermissionClass[]): PermissionClass {
  const subclass = class extends type {};
  Object.defineProperty(subclass, 'name', { value: name });
  Object.assign(subclass, { operands });
  Injectable()(subclass);
  Reflect.defineMetadata('design:paramtypes', [PermissionResolver], subclass);
  return subclass as unknown as PermissionClass;
}

class And extends Composed {
  async hasPermission(context: ExecutionContext): Promise<boolean> {
    for (const p of await this.resolved()) if (!(await p.hasPermission(context))) return false;
    return true;
  }
  async hasObjectPermission(context: ExecutionContext, object: unknown): Promise<boolean> {
    for (const p of await this.resolved()) if (!(await p.hasObjectPermission(context, object))) return false;
    return true;
  }
}

class Or extends Composed {
  async hasPermission(context: ExecutionContext): Promise<boolean> {
    for (const p of await this.resolved()) if (await p.hasPermission(context)) return true;
    return false;
  }
  /** As DRF 3.14+: an operand grants the object only if it also grants the view. */
  async hasObjectPermission(context: ExecutionContext, object: unknown): Promise<boolean> {
    for (const p of await this.resolved()) {
      if ((await p.hasPermission(context)) && (await p.hasObjectPermission(context, object))) return true;
    }
    return false;
  }
}

class Not extends Composed {
  async hasPermission(context: ExecutionContext): Promise<boolean> {
    return !(await (await this.resolved())[0].hasPermission(context));
  }
  async hasObjectPermission(context: ExecutionContext, object: unknown): Promise<boolean> {
    return !(await (await this.resolved())[0].hasObjectPermission(context, object));
  }
}

const names = (operands: PermissionClass[]) => operands.map((o) => o.name).join(', ');

/** DRF's `A & B`: every operand allows. */
export function and(...operands: PermissionClass[]): PermissionClass {
  return named(And, `and(${names(operands)})`, operands);
}

/** DRF's `A | B`: some operand allows. */
export function or(...operands: PermissionClass[]): PermissionClass {
  return named(Or, `or(${names(operands)})`, operands);
}

/** DRF's `~A`: the operand refuses. */
export function not(operand: PermissionClass): PermissionClass {
  return named(Not, `not(${operand.name})`, [operand]);
}
