// CPU profile of a window (the load, not the start-up), on request over IPC: {type:
// 'profile-start', intervalUs}, then {type: 'profile-stop', file} writes a .cpuprofile and
// answers {type: 'profiled', file}. Used by the app wrapper and the floor alike.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export function serveProfiler() {
  let session = null;
  process.on('message', async (message) => {
    if (message?.type === 'profile-start' && session === null) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: message.intervalUs ?? 200 });
      await session.post('Profiler.start');
      process.send?.({ type: 'profiling' });
    } else if (message?.type === 'profile-stop' && session !== null) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = null;
      writeFileSync(message.file, JSON.stringify(profile));
      process.send?.({ type: 'profiled', file: message.file });
    }
  });
}
