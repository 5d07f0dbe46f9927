import { parseArgs } from 'node:util';
import { RefusalError } from '../errors.js';
import { commandLine } from '../features/audit/service.js';
import { createStaff, disableStaff, enableStaff, isStaffRole, ONE_TIME_PASSWORD_HOURS, type StaffRole } from '../features/staff/service.js';
import { commandConfig, openForCommand, UTILITY_USAGE, utilityOption } from './command.js';
import { exitWithUsage, UsageError } from './usage.js';

const usage = `npm run staff -- create --email E --role clerk|admin ${UTILITY_USAGE}\n       npm run staff -- disable|enable --email E [--reason R] ${UTILITY_USAGE}`;

type Command = ({ command: 'create'; email: string; role: StaffRole } | { command: 'disable' | 'enable'; email: string; reason: string | null }) & { utility: string | undefined };

function readArguments(): Command {
  try {
    const parsed = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string' }, reason: { type: 'string' }, ...utilityOption }, allowPositionals: true, strict: true });
    const [command, ...extra] = parsed.positionals;
    if (command !== 'create' && command !== 'disable' && command !== 'enable') throw new UsageError(command === undefined ? 'which command?' : `unknown command: ${command}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    const { email, role, reason, utility } = parsed.values;
    if (email === undefined) throw new UsageError('--email is required');
    if (command !== 'create') {
      if (role !== undefined) throw new UsageError(`--role is for create only`);
      return { command, email, reason: reason?.trim() || null, utility };
    }
    if (reason !== undefined) throw new UsageError('--reason is for disable and enable only');
    if (role === undefined) throw new UsageError('--role is required');
    if (!isStaffRole(role)) throw new UsageError(`unknown role: ${role} (clerk or admin)`);
    return { command, email, role, utility };
  } catch (error) {
    if (error instanceof UsageError) exitWithUsage(error, usage);
    if (error instanceof TypeError) exitWithUsage(new UsageError(error.message), usage);
    throw error;
  }
}

const input = readArguments();
const { database } = await openForCommand(commandConfig(input.utility, usage));
const deps = { db: database.db, now: new Date() };
try {
  if (input.command === 'create') {
    const created = await createStaff(deps, commandLine, input);
    process.stdout.write(
      `created ${input.role} ${created.email}\none-time password (shown once; valid ${ONE_TIME_PASSWORD_HOURS} hours; it must be changed at first log-in): ${created.password}\n`
    );
  } else if (input.command === 'disable') {
    const { email, sessionsEnded } = await disableStaff(deps, commandLine, input);
    process.stdout.write(`disabled ${email} (${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended)\n`);
  } else {
    const { email } = await enableStaff(deps, commandLine, input);
    process.stdout.write(`enabled ${email}\n`);
  }
} catch (error) {
  // A refused address, an existing account or the last admin is the operator's to fix, like a rejected import: exit 1.
  if (!(error instanceof RefusalError)) throw error;
  process.stderr.write(`${error.reason.en}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
