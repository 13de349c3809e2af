import { createServer } from 'node:net';

/** An address the server is to listen on, and the settings that name it. */
export interface Binding {
  readonly setting: 'PORT' | 'METRICS_PORT';
  readonly host: string;
  readonly port: number;
}

/**
 * Whether `binding` can be listened on now: binds it and lets go at once. Answers the listen
 * error (EADDRINUSE, EACCES, EADDRNOTAVAIL...) or null. Port 0 (any free one) always can.
 */
export async function bindError(binding: Binding): Promise<NodeJS.ErrnoException | null> {
  if (binding.port === 0) return null;
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host: binding.host, port: binding.port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/**
 * One line naming the setting when the address cannot be had (in use, not allowed, not this
 * machine's), instead of a stack trace; null for any other error.
 */
export function listenRefusal(error: unknown, binding: Binding): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const { setting, port, host } = binding;
  const hostSetting = setting === 'PORT' ? 'HOST' : 'METRICS_HOST';
  switch (code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${host} is in use (EADDRINUSE): set ${setting} to a free port`;
    case 'EACCES':
      return `Port ${port} on ${host} is not allowed to this user (EACCES): set ${setting} to a port above 1023`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine (EADDRNOTAVAIL): set ${hostSetting} to one of its addresses`;
    default:
      return null;
  }
}
