import { commandLine } from '../../../server/features/audit/service.js';
import { createStaff, type StaffRole } from '../../../server/features/staff/service.js';
import type { App, Client } from './app.js';

export const STAFF_PASSWORD = 'gyomuka-madoguchi-2026';

/** A staff member as the command line makes them, logged in on a fresh client with their own password chosen. */
export async function signInStaff(app: App, role: StaffRole, email = `${role}@city.example.jp`): Promise<Client> {
  const { password } = await createStaff({ db: app.db, now: new Date() }, commandLine, { email, role });
  const client = app.client();
  await client.api.staff.auth.login.mutate({ email, password });
  await client.api.staff.auth.changePassword.mutate({ currentPassword: password, newPassword: STAFF_PASSWORD });
  return client;
}
