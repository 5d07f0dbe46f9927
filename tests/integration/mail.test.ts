import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import {
  emailChangeCodeMail,
  emailChangedMail,
  passwordResetCodeMail,
  signupCodeMail,
  type MailContext,
  type MailMessage
} from '../../server/mail/messages.js';
import { createMailer, MailDeliveryError } from '../../server/mail/transport.js';
import { startSmtpServer as startSmtp } from './support/smtp-server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function temporaryDataDir(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portal-mail-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return dataDir;
}

/** A pino logger like the app's, writing into an array the test can search. */
function capturedLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    if (joined[index] === '=') {
      bytes.push(Number.parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(joined.charCodeAt(index));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words; blanks between two adjacent words are not part of the text (§6.2). */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_, charset: string, encoding: string, encoded: string) => {
      expect(charset.toLowerCase()).toBe('utf-8');
      return encoding.toUpperCase() === 'B'
        ? Buffer.from(encoded, 'base64').toString('utf8')
        : decodeQuotedPrintable(encoded.replace(/_/g, '=20'));
    });
}

interface ParsedMail {
  header(name: string): string | undefined;
  headerNames: string[];
  /** Decoded body with LF line ends. */
  text: string;
}

/** Just enough of RFC 5322 + MIME to check what the mailer writes, with no parser installed. */
function parseRfc5322(raw: string): ParsedMail {
  expect(raw, 'MIME-encoded mail is 7-bit').toMatch(/^[\x20-\x7e\r\n\t]*$/);
  expect(raw.replace(/\r\n/g, ''), 'every line ends in CRLF').not.toMatch(/[\r\n]/);
  const headerEnd = raw.indexOf('\r\n\r\n');
  expect(headerEnd).toBeGreaterThan(0);
  const fields = raw
    .slice(0, headerEnd)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .map((line) => {
      const field = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
      expect(field, `header line ${line}`).not.toBeNull();
      return [field![1]!.toLowerCase(), field![2]!] as const;
    });
  const headers = new Map(fields);
  const body = raw.slice(headerEnd + 4);
  const transferEncoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const decoded =
    transferEncoding === 'base64'
      ? Buffer.from(body, 'base64').toString('utf8')
      : transferEncoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return {
    header: (name) => headers.get(name.toLowerCase()),
    headerNames: fields.map(([name]) => name),
    text: decoded.replace(/\r\n/g, '\n').replace(/\n+$/, '')
  };
}

function expectWellFormed(mail: ParsedMail, message: MailMessage): void {
  expect(decodeEncodedWords(mail.header('Subject')!)).toBe(message.subject);
  expect(mail.header('Subject')).toMatch(/^=\?UTF-8\?[BQ]\?/i);
  expect(decodeEncodedWords(mail.header('From')!)).toBe('名寄市上下水道室 <no-reply@portal.example.jp>');
  expect(mail.header('To')).toBe(message.to);
  expect(Number.isNaN(Date.parse(mail.header('Date')!))).toBe(false);
  expect(mail.header('Message-ID')).toMatch(/^<[^<>@\s]+@portal\.example\.jp>$/);
  expect(mail.header('MIME-Version')).toBe('1.0');
  expect(mail.header('Content-Type')).toMatch(/^text\/plain; charset=utf-8$/i);
  expect(mail.text).toBe(message.text);
}

function configFor(env: { dataDir: string; smtpUrl?: string }) {
  return loadConfig({ DATA_DIR: env.dataDir, SMTP_URL: env.smtpUrl, ORIGIN: 'https://portal.example.jp' });
}

function contextOf(config: ReturnType<typeof configFor>): MailContext {
  return { profile: config.profile, origin: config.origin };
}

describe('mail to the outbox (no SMTP_URL)', () => {
  it('writes one complete .eml file a message, named in send order even within one millisecond', async () => {
    const dataDir = await temporaryDataDir();
    const config = configFor({ dataDir });
    const { logger, lines } = capturedLogger();
    const oneMillisecond = new Date();
    const mailer = createMailer(config, logger, { now: () => oneMillisecond });
    const context = contextOf(config);
    const codes = ['111111', '222222', '333333'];
    const messages = [
      signupCodeMail(context, { to: 'taro@example.jp', code: codes[0]!, validMinutes: 15 }),
      passwordResetCodeMail(context, { to: 'hanako@example.jp', code: codes[1]!, validMinutes: 15 }),
      emailChangeCodeMail(context, { to: 'jiro@example.jp', code: codes[2]!, validMinutes: 15 })
    ];

    await Promise.all(messages.map((message) => mailer.send(message)));

    const outbox = path.join(dataDir, 'mail');
    const files = (await readdir(outbox)).toSorted();
    expect(files, 'no temporary file is left behind').toHaveLength(3);
    expect(files.every((file) => /^\d{8}T\d{6}\.\d{3}Z-\d{6}-[0-9a-f]{8}\.eml$/.test(file))).toBe(true);
    for (const [index, file] of files.entries()) {
      const mail = parseRfc5322(await readFile(path.join(outbox, file), 'latin1'));
      expectWellFormed(mail, messages[index]!);
      expect(mail.text).toContain(`確認コード: ${codes[index]}`);
    }
    expect(lines).toHaveLength(3);
  });

  it('logs the kind and a masked address, never the address, the code or the text', async () => {
    const config = configFor({ dataDir: await temporaryDataDir() });
    const { logger, lines } = capturedLogger();
    const message = signupCodeMail(contextOf(config), { to: 'taro@example.jp', code: '482913', validMinutes: 15 });

    await createMailer(config, logger).send(message);

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ mailKind: 'signup-code', to: 't***@example.jp', msg: 'mail sent' });
    for (const secret of ['482913', 'taro@example.jp', '確認コード', 'Verification code']) {
      expect(lines[0]).not.toContain(secret);
    }
  });
});

/** The shared SMTP server, stopped after the test. */
async function startSmtpServer(handlers: Parameters<typeof startSmtp>[0] = {}) {
  const smtp = await startSmtp(handlers);
  cleanups.push(smtp.stop);
  return smtp;
}

describe('mail over SMTP (SMTP_URL)', () => {
  it('hands the message to the server with the right envelope, as the outbox would have written it', async () => {
    const smtp = await startSmtpServer();
    const dataDir = await temporaryDataDir();
    const config = configFor({ dataDir, smtpUrl: smtp.url });
    const { logger, lines } = capturedLogger();
    const message = signupCodeMail(contextOf(config), { to: 'taro@example.jp', code: '604172', validMinutes: 15 });

    await createMailer(config, logger).send(message);

    expect(smtp.received).toHaveLength(1);
    const [delivery] = smtp.received;
    expect(delivery!.mailFrom).toBe('no-reply@portal.example.jp');
    expect(delivery!.rcptTo).toEqual(['taro@example.jp']);
    const mail = parseRfc5322(delivery!.raw);
    expectWellFormed(mail, message);
    expect(mail.text).toContain('確認コード: 604172');
    expect(JSON.parse(lines[0]!)).toMatchObject({ mailKind: 'signup-code', to: 't***@example.jp' });

    await createMailer(configFor({ dataDir }), logger).send(message);
    const [outboxFile] = await readdir(path.join(dataDir, 'mail'));
    const outboxMail = parseRfc5322(await readFile(path.join(dataDir, 'mail', outboxFile!), 'latin1'));
    expect(outboxMail.headerNames).toEqual(mail.headerNames);
  });

  it('rejects when the server refuses the recipient, with the reply code and only a masked address', async () => {
    const smtp = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        callback(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      }
    });
    const config = configFor({ dataDir: await temporaryDataDir(), smtpUrl: smtp.url });
    const { logger, lines } = capturedLogger();

    const sending = createMailer(config, logger).send(emailChangedMail(contextOf(config), { to: 'taro@example.jp' }));

    const error = await sending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ responseCode: 550 });
    expect((error as Error).message).toContain('t***@example.jp');
    expect((error as Error).message).not.toContain('taro@example.jp');
    expect(smtp.received).toHaveLength(0);
    expect(lines.join('')).not.toContain('mail sent');
  });

  it('rejects when no server answers, without a reply code, so a worker retries later', async () => {
    const smtp = await startSmtpServer();
    await smtp.stop();
    const config = configFor({ dataDir: await temporaryDataDir(), smtpUrl: smtp.url });

    const sending = createMailer(config, capturedLogger().logger).send(
      emailChangedMail(contextOf(config), { to: 'taro@example.jp' })
    );

    await expect(sending).rejects.toMatchObject({ name: 'MailDeliveryError', responseCode: undefined });
  });
});
