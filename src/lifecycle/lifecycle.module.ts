import { Global, Module } from '@nestjs/common';
import { RequestDrain } from './request-drain.js';
import { ShutdownState } from './shutdown-state.js';

/** The instance's shutdown state and the drain of its requests, for every module to use. */
@Global()
@Module({ providers: [ShutdownState, RequestDrain], exports: [ShutdownState, RequestDrain] })
export class LifecycleModule {}
