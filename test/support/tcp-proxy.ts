// A TCP proxy on 127.0.0.1 that can go silent, as a network that drops packets does: while cut,
// nothing is forwarded and no close reaches the other side; new connections are accepted and
// left waiting. Restored, held bytes flow again (TCP would retransmit them) and held closes land.
import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** A side that closed while the proxy was cut: the other side learns it on restore. */
  closed: boolean;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private cutSince: number | null = null;

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
    readonly port: number,
  ) {}

  /** A proxy on a free port of 127.0.0.1 that forwards to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, targetPort, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }

  get isCut(): boolean {
    return this.cutSince !== null;
  }

  /** Stops forwarding in both directions, on every connection, old and new. */
  cut(): void {
    if (this.cutSince !== null) return;
    this.cutSince = Date.now();
    for (const pair of this.pairs) this.hold(pair);
  }

  /** Forwards again: what was held flows, closes held back are passed on. */
  restore(): void {
    if (this.cutSince === null) return;
    this.cutSince = null;
    for (const pair of [...this.pairs]) {
      if (pair.closed) this.end(pair);
      else if (pair.upstream === null) this.open(pair);
      else this.flow(pair);
    }
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.end(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const pair: Pair = { client, upstream: null, closed: false };
    this.pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => this.closedSide(pair));
    if (this.isCut) client.pause();
    else this.open(pair);
  }

  private open(pair: Pair): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => {});
    upstream.on('close', () => this.closedSide(pair));
    this.flow(pair);
  }

  private flow(pair: Pair): void {
    pair.client.pipe(pair.upstream!, { end: false });
    pair.upstream!.pipe(pair.client, { end: false });
    pair.client.resume();
    pair.upstream!.resume();
  }

  private hold(pair: Pair): void {
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  }

  private closedSide(pair: Pair): void {
    if (this.isCut) pair.closed = true;
    else this.end(pair);
  }

  private end(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
