import { parseArgs } from 'node:util';
import { RefusalError } from '../errors.js';
import { commandLine } from '../features/audit/service.js';
import { createStaff, isStaffRole } from '../features/staff/service.js';
import { openForCommand } from './command.js';
import { exitWithUsage, UsageError } from './usage.js';

const usage = 'npm run staff -- create --email E --role clerk|admin';

function readArguments(): { email: string; role: 'clerk' | 'admin' } {
  try {
    const parsed = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string' } }, allowPositionals: true, strict: true });
    const [command, ...extra] = parsed.positionals;
    if (command !== 'create') throw new UsageError(command === undefined ? 'which command?' : `unknown command: ${command}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    const { email, role } = parsed.values;
    if (email === undefined) throw new UsageError('--email is required');
    if (role === undefined) throw new UsageError('--role is required');
    if (!isStaffRole(role)) throw new UsageError(`unknown role: ${role} (clerk or admin)`);
    return { email, role };
  } catch (error) {
    if (error instanceof UsageError) exitWithUsage(error, usage);
    if (error instanceof TypeError) exitWithUsage(new UsageError(error.message), usage);
    throw error;
  }
}

const input = readArguments();
const { database } = await openForCommand();
try {
  const created = await createStaff({ db: database.db, now: new Date() }, commandLine, input);
  process.stdout.write(
    `created ${input.role} ${created.email}\none-time password (shown once; it must be changed at first log-in): ${created.password}\n`
  );
} catch (error) {
  // A refused address or an existing account is the operator's to fix, like a rejected import: exit 1.
  if (!(error instanceof RefusalError)) throw error;
  process.stderr.write(`${error.reason.en}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
