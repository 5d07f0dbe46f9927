import type { Server } from 'node:http';

/**
 * Stops a test's server at once: no new connections, and the open ones cut, idle or not. The
 * portal keeps idle connections 65 s (server/http.ts), longer than a test hook waits.
 */
export function closeServer(server: Pick<Server, 'close' | 'closeAllConnections'>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
