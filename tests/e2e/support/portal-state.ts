import type { IncomingMessage, ServerResponse } from 'node:http';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../server/db/client.js';
import { clientChanges, customers, notices, pushSubscriptions } from '../../../server/db/schema.js';
import type { NoticeFacts } from '../../../src/lib/shared/notices.js';
import { billingOfficePort } from './billing-office.js';

/** What the server holds for one customer that the browser tests check: what reached it, and how often. */
export interface CustomerState {
  pushEndpoints: string[];
  notices: { id: number; facts: NoticeFacts; readAt: string | null }[];
  clientChanges: number;
}

async function stateOf(db: Database, email: string): Promise<CustomerState> {
  const [customer] = await db.select({ id: customers.id }).from(customers).where(eq(customers.email, email));
  if (!customer) return { pushEndpoints: [], notices: [], clientChanges: 0 };
  const subscriptions = await db.select({ endpoint: pushSubscriptions.endpoint }).from(pushSubscriptions).where(eq(pushSubscriptions.customerId, customer.id));
  const rows = await db
    .select({ id: notices.id, facts: notices.facts, readAt: notices.readAt })
    .from(notices)
    .where(eq(notices.customerId, customer.id))
    .orderBy(asc(notices.id));
  const changes = await db.select({ clientId: clientChanges.clientId }).from(clientChanges).where(eq(clientChanges.customerId, customer.id));
  return {
    pushEndpoints: subscriptions.map((row) => row.endpoint),
    notices: rows.map((row) => ({ id: row.id, facts: row.facts as NoticeFacts, readAt: row.readAt?.toISOString() ?? null })),
    clientChanges: changes.length
  };
}

/** The billing office's door answers `GET /customer?email=…` with the customer's state (server side); true when it did. */
export function answerCustomerState(db: Database, request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'GET' || url.pathname !== '/customer') return false;
  stateOf(db, url.searchParams.get('email') ?? '').then(
    (state) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(state)),
    (error: unknown) => response.writeHead(500).end(String(error))
  );
  return true;
}

/** The customer's state as the server holds it now (test side). */
export async function customerState(email: string): Promise<CustomerState> {
  const response = await fetch(`http://127.0.0.1:${billingOfficePort()}/customer?email=${encodeURIComponent(email)}`);
  if (!response.ok) throw new Error(`no customer state: ${await response.text()}`);
  return (await response.json()) as CustomerState;
}
