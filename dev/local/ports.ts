import { createServer } from 'node:net';

/**
 * A TCP port that is free on 127.0.0.1 now. Each jest worker draws from its own range below
 * the kernel's ephemeral ports: two workers asking at the same moment can never be handed the
 * same port (with port 0 they can, and one binary would then answer for the other's).
 */
const RANGE_SIZE = 1500;
const RANGE_START = 20_000;
let nextOffset = 0;

export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  const base = RANGE_START + ((worker - 1) % 8) * RANGE_SIZE;
  for (let tries = 0; tries < RANGE_SIZE; tries++) {
    const port = base + (nextOffset++ % RANGE_SIZE);
    if (await isPortFree(port)) return port;
  }
  throw new Error(`no free port in ${base}-${base + RANGE_SIZE - 1}`);
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
