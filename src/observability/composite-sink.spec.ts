import { describe, expect, it } from '@jest/globals';
import type { AuthEvent, AuthEventSink } from '@nest-simplejwt/auth';
import { CompositeEventSink } from './composite-sink.js';

const recording = (into: string[], name: string): AuthEventSink => ({ record: (event) => void into.push(`${name}:${event.event}`) });
const failing = (message: string): AuthEventSink => ({
  record: () => {
    throw new Error(message);
  },
});
const LOGOUT: AuthEvent = { event: 'logout', userId: '1', sessionId: 's' };

describe('CompositeEventSink', () => {
  it('hands each event to every sink, in order', () => {
    const seen: string[] = [];
    new CompositeEventSink([recording(seen, 'log'), recording(seen, 'metrics')]).record(LOGOUT);
    expect(seen).toEqual(['log:logout', 'metrics:logout']);
  });

  it('a sink that throws keeps the event from no other; the first error is thrown after all have had it', () => {
    const seen: string[] = [];
    const sink = new CompositeEventSink([failing('first'), recording(seen, 'log'), failing('second'), recording(seen, 'metrics')]);
    expect(() => sink.record(LOGOUT)).toThrow('first');
    expect(seen).toEqual(['log:logout', 'metrics:logout']);
  });

  it('keeps its own copy of the list', () => {
    const seen: string[] = [];
    const sinks = [recording(seen, 'log')];
    const sink = new CompositeEventSink(sinks);
    sinks.push(recording(seen, 'late'));
    sink.record(LOGOUT);
    expect(seen).toEqual(['log:logout']);
  });
});
