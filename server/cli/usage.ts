import path from 'node:path';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit code 2 with the command's usage, as INTERFACES.md promises for every command. */
export function exitWithUsage(error: UsageError, usage: string): never {
  process.stderr.write(`${error.message}\n\nusage: ${usage}\n`);
  process.exit(2);
}

/** `npm run` starts scripts in the project folder; a relative path means where the operator typed it. */
export function resolveFromCaller(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}
