import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  mailFrom: string | false;
  rcptTo: string[];
  raw: string;
}

/** A real SMTP server in this process, plain text on loopback like a local relay. */
export async function startSmtpServer(handlers: Pick<SMTPServerOptions, 'onRcptTo'> = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    secure: false,
    // A relay that offers STARTTLS with its self-signed certificate would (rightly) fail nodemailer's check.
    disabledCommands: ['STARTTLS'],
    logger: false,
    ...handlers,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          mailFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
          rcptTo: session.envelope.rcptTo.map((address) => address.address),
          raw: Buffer.concat(chunks).toString('latin1')
        });
        callback();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = () => new Promise<void>((resolve) => server.close(resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received, stop };
}
