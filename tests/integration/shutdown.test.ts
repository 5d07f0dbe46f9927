import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log/logger.js';
import { shutdownGracefully } from '../../server/lifecycle/shutdown.js';
import { createMigratedTestDatabase, driverName } from './support/database.js';

describe(`graceful shutdown on ${driverName}`, () => {
  it('lets a running request finish, refuses new ones, then closes the database', async () => {
    // The request's query reads the app's schema, as /healthz does.
    const testDb = await createMigratedTestDatabase();
    let requestStarted!: () => void;
    const started = new Promise<void>((resolve) => (requestStarted = resolve));
    const server = http.createServer((_req, res) => {
      requestStarted();
      // A request that is still working when the signal comes, and then uses the database.
      setTimeout(() => {
        void testDb.handle.ping(1000).then((ok) => res.end(ok ? 'done' : 'database closed too early'));
      }, 300);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const inFlight = fetch(url).then((response) => response.text());
    await started;
    const stopped = shutdownGracefully(server, testDb.handle, createLogger('silent'), 5000);

    expect(await inFlight).toBe('done');
    await stopped;
    await expect(fetch(url)).rejects.toThrow();
    expect(await testDb.handle.ping(500)).toBe(false);
    await testDb.dispose();
  });
});
