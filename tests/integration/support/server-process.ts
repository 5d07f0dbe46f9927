import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServerProcess extends CommandRun {
  baseUrl: string;
}

export function freshDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'portal-data-'));
}

export interface CommandRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr as they came. */
  output(): string;
  /** Resolves with the exit code once the process has ended and its output is read. */
  exited: Promise<number | null>;
}

/** Runs one of the project's TypeScript entry points as npm would, with only the environment given. */
export function runCommand(script: string, args: string[], env: Record<string, string>): CommandRun {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
  child.stderr?.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), (output += chunk.toString())));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr, output: () => output };
}

/** Runs server/main.ts as `npm start` does, without the client build step (or another entry point that starts the portal). */
export function runServer(env: Record<string, string>, script = 'server/main.ts'): CommandRun {
  return runCommand(script, [], { PORT: '0', LOG_LEVEL: 'info', ...env });
}

/** Starts a server and waits until it logs that it listens. */
export async function startServer(env: Record<string, string>, timeoutMs = 30_000, script?: string): Promise<ServerProcess> {
  const run = runServer(env, script);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(run.output());
    if (match) return { ...run, baseUrl: `http://127.0.0.1:${match[1]}` };
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  run.child.kill('SIGKILL');
  throw new Error(`server did not start:\n${run.output()}`);
}

export async function stopServer(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  return server.exited;
}
