import { commandLine } from '../../../server/features/audit/service.js';
import { createStaff, type StaffRole } from '../../../server/features/staff/service.js';
import { uploadHeaders, type UploadFields } from '../../../src/lib/shared/import-upload.js';
import type { App, Client } from './app.js';

export const STAFF_PASSWORD = 'gyomuka-madoguchi-2026';

/** A staff member as the command line makes them, logged in on a fresh client with their own password chosen. */
export async function signInStaff(app: Pick<App, 'db' | 'client'>, role: StaffRole, email = `${role}@city.example.jp`): Promise<Client> {
  const { password } = await createStaff({ db: app.db, now: new Date() }, commandLine, { email, role });
  const client = app.client();
  await client.api.staff.auth.login.mutate({ email, password });
  await client.api.staff.auth.changePassword.mutate({ currentPassword: password, newPassword: STAFF_PASSWORD });
  return client;
}

/** An import upload as the console sends it: the file as the body, the other fields in headers. */
export function upload(client: Client, { file, ...fields }: Omit<UploadFields, 'fileName'> & { file: File }) {
  return client.api.staff.imports.upload.mutate(file, { context: { headers: uploadHeaders({ ...fields, fileName: file.name }) } });
}
