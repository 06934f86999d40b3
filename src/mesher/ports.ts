import { createServer } from 'node:net';

/** A TCP port free on the loopback interface right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** True when something already listens on `port` of 127.0.0.1 (or ::1, where IPv6 exists). */
export async function portTaken(port: number): Promise<boolean> {
  const v4 = await tryListen(port, '127.0.0.1');
  if (v4 === 'taken') return true;
  return (await tryListen(port, '::1')) === 'taken';
}

function tryListen(port: number, host: string): Promise<'free' | 'taken' | 'unavailable'> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? 'taken' : 'unavailable'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/**
 * Ports handed to apps that run at the same time (repro's parallel candidates): a port is
 * never leased twice until it is released, even if the OS offers it again after a candidate
 * let it go unbound for a moment.
 */
export class PortLease {
  private readonly held = new Set<number>();

  async lease(count: number): Promise<number[]> {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (this.held.has(port)) continue;
      this.held.add(port);
      ports.push(port);
    }
    return ports;
  }

  release(ports: readonly number[]): void {
    for (const port of ports) this.held.delete(port);
  }

  get size(): number {
    return this.held.size;
  }
}
