import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../config.js';
import type { Logger } from '../log/logger.js';
import type { MailMessage } from './messages.js';

export interface Mailer {
  /** Resolves once the SMTP server has accepted the message or its outbox file is complete; rejects otherwise. */
  send(message: MailMessage): Promise<void>;
  /**
   * Resolves once every send begun so far has ended, sent or not: mail goes out after the answer
   * (features/auth), so a test counts mails, or closes what they are written to, after this.
   */
  idle(): Promise<void>;
}

export interface MailerOptions {
  now?: () => Date;
}

/** A message was not sent. Its text names the recipient only masked, so callers may log it as it is. */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(
    message: string,
    /** The SMTP reply code when the server refused (5xx: retrying will not help), else undefined. */
    readonly responseCode: number | undefined
  ) {
    super(message);
  }
}

/** `taro@example.jp` → `t***@example.jp`: enough to tell mails apart in a log, not enough to contact anyone. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/**
 * Text from a mail server with every address in it masked: a reply may repeat the recipient in
 * another case, encoded, or beside other addresses, so no exact match of the one sent to will do.
 */
export function maskAddressesIn(text: string): string {
  return text.replace(/[^\s<>()[\],;:"'@]+@[^\s<>()[\],;:"'@]+/g, maskAddress);
}

/**
 * Outbox file names that sort in send order: UTC time to the millisecond, then a counter for
 * mails within the same millisecond, then random characters so two processes never collide.
 */
export function createOutboxNamer(now: () => Date): () => { sentAt: Date; fileName: string } {
  let lastMillis = Number.NEGATIVE_INFINITY;
  let sequence = 0;
  return () => {
    // A clock stepped back (NTP) must not sort a later mail before an earlier one.
    const millis = Math.max(now().getTime(), lastMillis);
    sequence = millis === lastMillis ? sequence + 1 : 0;
    lastMillis = millis;
    const sentAt = new Date(millis);
    const stamp = sentAt.toISOString().replace(/[-:]/g, '');
    const fileName = `${stamp}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}.eml`;
    return { sentAt, fileName };
  };
}

/** Readers list `*.eml`, so a file shows up only complete, under its final name. */
async function writeOutboxFile(directory: string, fileName: string, bytes: Buffer): Promise<void> {
  await mkdir(directory, { recursive: true });
  const partialPath = path.join(directory, `.${fileName}.partial`);
  try {
    const file = await open(partialPath, 'wx');
    try {
      await file.writeFile(bytes);
      // The caller marks the mail delivered once send() resolves; a crash must not leave an empty file behind.
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(partialPath, path.join(directory, fileName));
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  }
}

type Deliver = (mail: SendMailOptions, outboxFileName: string) => Promise<{ messageId: string; outboxFile?: string }>;

export function createMailer(
  config: Pick<Config, 'smtpUrl' | 'dataDir' | 'profile'>,
  logger: Logger,
  options: MailerOptions = {}
): Mailer {
  const nextOutboxName = createOutboxNamer(options.now ?? (() => new Date()));
  const defaults: SendMailOptions = {
    from: { name: config.profile.name.ja, address: config.profile.mailFrom },
    // RFC 3834: vacation responders and ticket systems must not answer an automatic mail.
    headers: { 'Auto-Submitted': 'auto-generated' }
  };

  let deliver: Deliver;
  if (config.smtpUrl) {
    const smtp = nodemailer.createTransport(config.smtpUrl, defaults);
    deliver = async (mail) => ({ messageId: (await smtp.sendMail(mail)).messageId });
  } else {
    // Composed by nodemailer as on the SMTP path, so the file is the message a server would have got.
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true }, defaults);
    const outboxDirectory = path.join(config.dataDir, 'mail');
    deliver = async (mail, outboxFile) => {
      const info = await composer.sendMail(mail);
      await writeOutboxFile(outboxDirectory, outboxFile, info.message as Buffer); // buffer: true above
      return { messageId: info.messageId, outboxFile };
    };
  }

  /** Sends under way, each as a promise that ends when it does, sent or not. */
  const sending = new Set<Promise<void>>();
  async function send(message: MailMessage): Promise<void> {
    const maskedTo = maskAddress(message.to);
    // Named before anything is awaited, so mails sent one after another sort in that order.
    const { sentAt, fileName } = nextOutboxName();
    try {
      const { messageId, outboxFile } = await deliver(
        // Text travels with CRLF line ends (RFC 2046); nodemailer passes LF through as it is.
        { to: message.to, subject: message.subject, text: message.text.replace(/\r?\n/g, '\r\n'), date: sentAt },
        fileName
      );
      logger.info({ mailKind: message.kind, to: maskedTo, messageId, outboxFile }, 'mail sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const responseCode = error instanceof Error && 'responseCode' in error ? error.responseCode : undefined;
      throw new MailDeliveryError(
        `mail ${message.kind} to ${maskedTo} was not sent: ${maskAddressesIn(reason)}`,
        typeof responseCode === 'number' ? responseCode : undefined
      );
    }
  }

  return {
    send(message) {
      const sent = send(message);
      const ended = sent.catch(() => {});
      sending.add(ended);
      void ended.then(() => sending.delete(ended));
      return sent;
    },
    async idle() {
      while (sending.size > 0) await Promise.all(sending);
    }
  };
}
