import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/router.js';
import { signUp, startApp, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff } from './support/staff.js';

/**
 * Every route of the API with its kind, read from the router itself: a route added later is
 * covered too. At run time tRPC keeps them flat by dotted path; its type shows them nested.
 */
const flatProcedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' } }>;
const routes = Object.entries(flatProcedures).map(([path, procedure]) => ({
  path,
  type: procedure._def.type
}));
/** The staff routes anyone may call: log-in, log-out, and "who am I" (null without a staff session). */
const openStaffRoutes = ['staff.auth.login', 'staff.auth.logout', 'staff.auth.me'];
const staffRoutes = routes.filter((route) => route.path.startsWith('staff.') && !openStaffRoutes.includes(route.path));
/** Staff accounts, the audit log, and imports (an import rewrites every customer's bills). */
const adminRoutes = staffRoutes.filter((route) => route.path.startsWith('staff.admin.') || route.path.startsWith('staff.imports.'));
const customerProcedureRoutes = routes.filter((route) => route.path.startsWith('procedures.'));

let app: App;
let customer: Client;
let clerk: Client;
let admin: Client;
beforeAll(async () => {
  app = await startApp();
  await importMemberFaucets(app.db);
  customer = app.client();
  await signUp(app, customer, 'member@example.jp', faucet(0));
  clerk = await signInStaff(app, 'clerk');
  admin = await signInStaff(app, 'admin');
}, 60_000);
afterAll(async () => {
  await app.close();
});

/** Calls a route as a browser would, with the client's cookies and an input the route would accept in shape, and gives the tRPC code. */
async function codeOf(client: Client | null, route: { path: string; type: 'query' | 'mutation' }): Promise<string> {
  const cookie = client ? [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  const headers: Record<string, string> = { Origin: 'http://localhost:3000', ...(cookie ? { Cookie: cookie } : {}) };
  const input = JSON.stringify({});
  const response =
    route.type === 'query'
      ? await fetch(`${app.baseUrl}/api/trpc/${route.path}?input=${encodeURIComponent(input)}`, { headers })
      : await fetch(`${app.baseUrl}/api/trpc/${route.path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: input });
  const body = (await response.json()) as { error?: { data: { code: string } } };
  return body.error?.data.code ?? 'OK';
}

describe(`who may call what on ${driverName}`, () => {
  it('knows the routes it checks', () => {
    expect(staffRoutes.map((route) => route.path)).toEqual(
      expect.arrayContaining(['staff.procedures.setStatus', 'staff.support.withdrawAccount', 'staff.admin.createStaff', 'staff.admin.auditLog', 'staff.auth.changePassword', 'staff.imports.upload'])
    );
    expect(customerProcedureRoutes.map((route) => route.path).sort()).toEqual(['procedures.file', 'procedures.mine']);
  });

  it('refuses every staff route to no session and to a customer session', async () => {
    for (const route of staffRoutes) {
      expect({ route: route.path, code: await codeOf(null, route) }).toEqual({ route: route.path, code: 'UNAUTHORIZED' });
      expect({ route: route.path, code: await codeOf(customer, route) }).toEqual({ route: route.path, code: 'UNAUTHORIZED' });
    }
  });

  it('refuses the admin routes to a clerk, and lets an admin past the door', async () => {
    for (const route of adminRoutes) {
      expect({ route: route.path, code: await codeOf(clerk, route) }).toEqual({ route: route.path, code: 'FORBIDDEN' });
      expect({ route: route.path, code: await codeOf(admin, route) }).not.toEqual({ route: route.path, code: expect.stringMatching(/UNAUTHORIZED|FORBIDDEN/) });
    }
  });

  it('refuses every customer procedure route to a staff session', async () => {
    for (const route of customerProcedureRoutes) {
      expect({ route: route.path, code: await codeOf(clerk, route) }).toEqual({ route: route.path, code: 'UNAUTHORIZED' });
      expect({ route: route.path, code: await codeOf(admin, route) }).toEqual({ route: route.path, code: 'UNAUTHORIZED' });
      expect({ route: route.path, code: await codeOf(customer, route) }).not.toEqual({ route: route.path, code: 'UNAUTHORIZED' });
    }
  });

  it('refuses every staff mutation from another origin, even with a valid staff session', async () => {
    const cookie = [...admin.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    for (const route of routes.filter((route) => route.path.startsWith('staff.') && route.type === 'mutation')) {
      const response = await fetch(`${app.baseUrl}/api/trpc/${route.path}`, {
        method: 'POST',
        headers: { Origin: 'https://evil.example', Cookie: cookie, 'Content-Type': 'application/json' },
        body: '{}'
      });
      expect({ route: route.path, status: response.status }).toEqual({ route: route.path, status: 403 });
    }
  });
});
