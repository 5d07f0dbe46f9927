import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';

/** The server's outbox: with no SMTP_URL every mail is an .eml file here, names sorting by send time. */
function outbox(): string {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it)');
  return path.join(dataDir, 'mail');
}

interface Mail {
  to: string[];
  subject: string;
  text: string;
}

const parsed = new Map<string, Mail>();

async function mails(): Promise<Mail[]> {
  let names: string[];
  try {
    names = (await readdir(outbox())).filter((name) => name.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  const result: Mail[] = [];
  for (const name of names) {
    let mail = parsed.get(name);
    if (!mail) {
      const message = await simpleParser(await readFile(path.join(outbox(), name)));
      const to = [message.to ?? []].flat().flatMap((address) => address.value.map((value) => (value.address ?? '').toLowerCase()));
      mail = { to, subject: message.subject ?? '', text: message.text ?? '' };
      parsed.set(name, mail);
    }
    result.push(mail);
  }
  return result;
}

/** Waits until the address has received `count` mails and returns them, oldest first. */
export async function mailsTo(address: string, count: number, timeoutMs = 15_000): Promise<Mail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = (await mails()).filter((mail) => mail.to.includes(address.toLowerCase()));
    if (received.length >= count) return received;
    if (Date.now() > deadline) throw new Error(`${address} has ${received.length} mails, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The verification code in the address's `nth` mail (1 = the first it got). */
export async function codeInMail(address: string, nth: number): Promise<string> {
  const mail = (await mailsTo(address, nth))[nth - 1]!;
  const match = /確認コード: (\d{6})/.exec(mail.text);
  if (!match) throw new Error(`mail ${nth} to ${address} has no code: ${mail.subject}`);
  return match[1]!;
}

/** An address no other test uses. */
export function freshAddress(name: string): string {
  return `${name}-${randomBytes(4).toString('hex')}@example.jp`;
}
