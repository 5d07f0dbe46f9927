import { AsyncLocalStorage } from 'node:async_hooks';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { pgliteOptions } from './pglite-extensions.js';

/** First-come turns at the one Postgres session an embedded database has. */
class Turns {
  #tail: Promise<void> = Promise.resolve();

  async take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.#tail;
    this.#tail = before.then(() => mine);
    await before;
    return release;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.take();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * PGlite is one Postgres session. Its own locks keep its callers in this process apart, but
 * a command's statements reach it through the socket as raw protocol messages, which they do
 * not cover: a request's query would run inside the command's BEGIN. Every call of the
 * server's takes a turn here, and a socket client holds one turn from its first message until
 * the session is idle again (out of any transaction and COPY).
 */
export class SharedPGlite extends PGlite {
  readonly turns = new Turns();
  /** Set inside work run by alone(): its calls already hold the turn. */
  readonly #holdingTurn = new AsyncLocalStorage<true>();

  static async open(dataDir: string, utility: string): Promise<SharedPGlite> {
    const pglite = new SharedPGlite(dataDir, pgliteOptions(utility));
    await pglite.waitReady;
    return pglite;
  }

  /**
   * Runs work as one turn however many statements and transactions it makes: socket clients
   * and this process's other callers wait until it ends. For work that must not be interleaved
   * but cannot be one transaction, such as drizzle's migrator.
   */
  alone<T>(work: () => Promise<T>): Promise<T> {
    return this.turns.run(() => this.#holdingTurn.run(true, work));
  }

  #inTurn<T>(call: () => Promise<T>): Promise<T> {
    return this.#holdingTurn.getStore() ? call() : this.turns.run(call);
  }

  override query<T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#inTurn(() => super.query<T>(query, params, options));
  }

  override exec(query: string, options?: QueryOptions): Promise<Results[]> {
    return this.#inTurn(() => super.exec(query, options));
  }

  override transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#inTurn(() => super.transaction(callback));
  }
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const QUERY = 0x51; // 'Q'
const EXECUTE = 0x45; // 'E'
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const COPY_FAIL = 0x66; // 'f'
const COPY_IN_RESPONSE = 0x47; // 'G'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

/** A client holding the session this long without a word is cut off and its transaction undone. */
export const IDLE_IN_TURN_MS = 60_000;

/**
 * However busy it keeps it, a client holding the session this long is cut off the same way: the
 * portal's requests wait meanwhile. The largest import measured (2.4 million readings, bench
 * scale-large) takes under a minute; ten leave room for a slower machine.
 */
export const MAX_TURN_MS = 10 * 60_000;

/**
 * The largest message taken from a client. Postgres allows 1 GiB, but each message is copied
 * whole into PGlite's WebAssembly memory, which one such message would exhaust; an import's
 * biggest are far smaller (COPY data comes in the file stream's 64 KiB chunks, a batch insert's
 * Bind at most a few MB).
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const COPY_FROM_STDIN = /^\s*copy\s[\s\S]*\sfrom\s+stdin\b/i;
// Postgres ignores CopyFail outside a COPY; in one, it ends it with an error.
const COPY_FAIL_MESSAGE = message('f', Buffer.from('no COPY data on this socket\0'));
/** Text format, no column formats: what postgres.js reads of it (nothing but the type). */
const COPY_IN_RESPONSE_MESSAGE = message('G', Buffer.from([0, 0, 0]));

const SYNC_MESSAGE = message('S', Buffer.alloc(0));
const simpleQuery = (text: string) => message('Q', Buffer.from(`${text}\0`));

/**
 * What a client may have changed in the session that would reach the server's own queries once
 * the turn is theirs: settings (session_replication_role = replica would skip the triggers and
 * foreign keys of the server's writes), a role, session advisory locks. Undone whenever a client
 * hands the turn back. Named prepared statements are left: commands send none (their connection
 * does not prepare), and dropping them would break those of other clients still connected.
 */
const RESET_SESSION_STATE = simpleQuery('reset session authorization; reset all; select pg_advisory_unlock_all()');

/**
 * What a client asked for in its startup message that PGlite, one session started long before,
 * ignores there: its role and its utility (the parameters a PostgreSQL server takes at log-in,
 * client.ts). Given back as the statement that sets them up at the start of each of the client's
 * turns; the reset at the end of the turn undoes it. Undefined when it asked for neither.
 */
function sessionSetUp(startup: Buffer): string | undefined {
  const fields = startup.toString('utf8', 8, startup.length).split('\0');
  const asked = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length && fields[index] !== ''; index += 2) asked.set(fields[index]!, fields[index + 1]!);
  const role = asked.get('role');
  const utility = asked.get('app.utility');
  const statements = [
    ...(role === undefined ? [] : [`set role "${role.replaceAll('"', '""')}"`]),
    ...(utility === undefined ? [] : [`select set_config('app.utility', '${utility.replaceAll("'", "''")}', false)`])
  ];
  return statements.length > 0 ? statements.join('; ') : undefined;
}

/** Whether a reply holds an ErrorResponse. */
function holdsError(reply: Uint8Array): boolean {
  const bytes = Buffer.from(reply);
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) if (bytes[at] === 0x45) return true;
  return false;
}

/**
 * Leaves any COPY, ends any transaction, then drops what the client set up in the session. The
 * first rollback comes before the Sync, which would commit a statement executed without one;
 * the second ends a transaction whose error had the first one skipped until that Sync.
 */
async function resetSession(pglite: PGlite): Promise<void> {
  for (const step of [COPY_FAIL_MESSAGE, simpleQuery('rollback'), SYNC_MESSAGE, simpleQuery('rollback'), simpleQuery('close all; unlisten *'), RESET_SESSION_STATE]) {
    await pglite.execProtocolRaw(new Uint8Array(step));
  }
}

/**
 * PGlite's backend reads a COPY's data from the same buffer as the statement: a COPY FROM STDIN
 * sent alone hits the end of its input and takes the whole database down. So its data is
 * gathered here, answered with a CopyInResponse of our own, and passed on in one piece with the
 * statement (in memory once, as PGlite's own COPY takes a whole Blob). Any other statement gets
 * a CopyFail behind it, so one that starts a COPY unrecognised here fails instead.
 */
function serveConnection(pglite: SharedPGlite, socket: Socket, turnMs: number, onEnded: () => void): void {
  let pending = Buffer.alloc(0);
  let started = false;
  let release: (() => void) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let turnTimer: NodeJS.Timeout | undefined;
  let ended = false;
  let copying: Buffer[] | undefined;
  let work: Promise<void> = Promise.resolve();
  let setUp: string | undefined;

  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(idleTimer);
    clearTimeout(turnTimer);
    socket.destroy();
    work = work.then(async () => {
      const held = release ?? (await pglite.turns.take());
      try {
        if (started) await resetSession(pglite);
      } finally {
        held();
        release = undefined;
        onEnded();
      }
    });
  };

  /** While the client holds the turn, every message it sends keeps the clock from running out. */
  const rearm = () => {
    clearTimeout(idleTimer);
    if (release) idleTimer = setTimeout(end, IDLE_IN_TURN_MS);
  };

  const holdTurn = async () => {
    if (!release) {
      release = await pglite.turns.take();
      turnTimer = setTimeout(end, turnMs);
      // A client that asked for a role must never go on as the session's superuser: a set-up that fails ends it.
      if (setUp && holdsError(await pglite.execProtocolRaw(new Uint8Array(simpleQuery(setUp))))) {
        end();
        throw new Error('the session could not be set up as the client asked');
      }
    }
    rearm();
  };

  const reply = (data: Uint8Array) => {
    if (!socket.destroyed) socket.write(data);
  };

  /** Gives the turn back once the session is out of any transaction and COPY, as it was. */
  const releaseWhenIdle = async (tail: Buffer) => {
    if (tail.length === 6 && tail[0] === READY_FOR_QUERY && tail.readInt32BE(1) === 5 && tail[5] === IDLE && release) {
      await pglite.execProtocolRaw(new Uint8Array(RESET_SESSION_STATE));
      clearTimeout(turnTimer);
      release();
      release = undefined;
    }
    rearm();
  };

  const forward = async (bytes: Buffer) => {
    await holdTurn();
    let tail = Buffer.alloc(0);
    await pglite.execProtocolRawStream(new Uint8Array(bytes), {
      onRawData: (data) => {
        reply(data);
        tail = Buffer.concat([tail, Buffer.from(data)]).subarray(-6);
      }
    });
    await releaseWhenIdle(tail);
  };

  const finishCopy = async (statementAndData: Buffer) => {
    await holdTurn();
    const answer = Buffer.from(await pglite.execProtocolRaw(new Uint8Array(statementAndData)));
    // The CopyInResponse went out already, ours.
    const rest = answer[0] === COPY_IN_RESPONSE ? answer.subarray(1 + answer.readInt32BE(1)) : answer;
    reply(rest);
    await releaseWhenIdle(rest.subarray(-6));
  };

  /**
   * Takes every whole message off pending; the startup packet has no type byte. A length that
   * cannot be (under its own four bytes) or is too large ends the connection: nothing after it
   * can be read as messages.
   */
  const nextMessage = (): Buffer | undefined => {
    const lengthAt = started ? 1 : 0;
    if (pending.length < lengthAt + 4) return undefined;
    const length = pending.readInt32BE(lengthAt);
    if (length < 4 || length > MAX_MESSAGE_BYTES) {
      pending = Buffer.alloc(0);
      end();
      return undefined;
    }
    const size = lengthAt + length;
    if (pending.length < size) return undefined;
    const whole = pending.subarray(0, size);
    pending = pending.subarray(size);
    return whole;
  };

  const handle = async (whole: Buffer) => {
    if (ended) return;
    if (!started) {
      const code = whole.length >= 8 ? whole.readInt32BE(4) : 0;
      if (code === SSL_REQUEST) {
        socket.write('N');
        return;
      }
      // No backend to signal: a cancel is dropped, as the protocol lets a server do.
      if (code === CANCEL_REQUEST) return end();
      started = true;
      setUp = sessionSetUp(whole);
      return forward(whole);
    }
    const type = whole[0];
    if (copying) {
      copying.push(whole);
      if (type === COPY_DONE || type === COPY_FAIL) {
        const gathered = Buffer.concat(copying);
        copying = undefined;
        return finishCopy(gathered);
      }
      if (type !== COPY_DATA) return end();
      return;
    }
    if (type === TERMINATE) return end();
    if (type === QUERY && COPY_FROM_STDIN.test(whole.toString('utf8', 5, whole.length - 1))) {
      await holdTurn();
      copying = [whole];
      reply(COPY_IN_RESPONSE_MESSAGE);
      return;
    }
    if (type === QUERY || type === EXECUTE) return forward(Buffer.concat([whole, COPY_FAIL_MESSAGE]));
    return forward(whole);
  };

  socket.on('data', (chunk: Buffer) => {
    if (ended) return;
    rearm();
    pending = Buffer.concat([pending, chunk]);
    for (let whole = nextMessage(); whole; whole = nextMessage()) {
      const taken = whole;
      work = work.then(() => handle(taken)).catch(end);
    }
  });
  socket.on('error', end);
  socket.on('close', end);
}

export interface SocketServer {
  close(): Promise<void>;
}

/** Serves pglite's session on a Unix socket that only this user can open. */
export async function servePglite(pglite: SharedPGlite, socketPath: string, turnMs = MAX_TURN_MS): Promise<SocketServer> {
  const connections = new Set<Socket>();
  const idle = new Set<() => void>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    serveConnection(pglite, socket, turnMs, () => {
      connections.delete(socket);
      if (connections.size === 0) for (const resolve of idle) resolve();
    });
  });
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The socket is bound within listen(), so it is created owner-only: no moment open to others.
    const umask = process.umask(0o077);
    try {
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(umask);
    }
  });
  return {
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drained = new Promise<void>((resolve) => (connections.size === 0 ? resolve() : idle.add(resolve)));
      for (const socket of connections) socket.destroy();
      await Promise.all([closed, drained]);
      rmSync(socketPath, { force: true });
    }
  };
}
