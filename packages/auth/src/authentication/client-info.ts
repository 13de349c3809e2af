/** Who is on the other end of a request, as far as the server can tell. */
export interface ClientInfo {
  /** The client's address: the socket's, or with NUM_PROXIES the one X-Forwarded-For names; at most 64 characters. */
  readonly ip: string;
  /** The User-Agent header, '' when none; at most 512 characters. */
  readonly userAgent: string;
  /**
   * The request's id, when it has one (`request.id`: Fastify's genReqId, or what your Express
   * middleware sets), so the events it causes can name it.
   */
  readonly requestId?: string;
}

/** The parts of a Fastify or Express request the client's address is read from. */
export interface RequestWithClient {
  id?: unknown;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
  raw?: { socket?: { remoteAddress?: string } };
}

/**
 * DRF's get_ident with NUM_PROXIES: the socket's address, or with N proxies in front the address
 * the Nth-last proxy saw (X-Forwarded-For is trusted no further than that, so it cannot be forged
 * to pass as someone else).
 */
export function clientAddress(request: RequestWithClient, numProxies: number): string {
  const remote = request.raw?.socket?.remoteAddress ?? request.socket?.remoteAddress ?? request.ip ?? '';
  const header = request.headers['x-forwarded-for'];
  const xff = Array.isArray(header) ? header.join(',') : header;
  if (numProxies === 0 || !xff) return remote;
  const addresses = xff.split(',');
  return addresses[addresses.length - Math.min(numProxies, addresses.length)].trim();
}

/** An IP address has at most 45 characters; a longer "address" is a forged header, cut to what a session row holds. */
const MAX_ADDRESS_LENGTH = 64;

export function clientInfo(request: RequestWithClient, numProxies: number): ClientInfo {
  const agent = request.headers['user-agent'];
  const info = {
    ip: clientAddress(request, numProxies).slice(0, MAX_ADDRESS_LENGTH),
    userAgent: (Array.isArray(agent) ? agent[0] : (agent ?? '')).slice(0, 512),
  };
  return typeof request.id === 'string' ? { ...info, requestId: request.id } : info;
}

/** Where an event comes from: the client's address and, when known, the request's id. */
export function eventOrigin(client: ClientInfo): { ip: string; requestId?: string } {
  return client.requestId === undefined ? { ip: client.ip } : { ip: client.ip, requestId: client.requestId };
}
