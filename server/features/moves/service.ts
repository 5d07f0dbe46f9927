import { and, eq } from 'drizzle-orm';
import { moveDayProblem } from '../../../src/lib/shared/moves.js';
import { checkProcedureForm, moveDayOf, procedureStatusNames, type ProcedureContent } from '../../../src/lib/shared/procedure-form.js';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { createBusinessCalendar } from '../../domain/calendar.js';
import { procedureEvents, procedures } from '../../db/schema.js';
import { RefusalError } from '../../errors.js';
import { LOCKED_COUNT, lockKeys } from '../../limits/rate-limits.js';
import { moveInCodeMail, moveInStatusMail, type MailContext } from '../../mail/messages.js';
import type { ServiceDeps } from '../../service-deps.js';
import { claimMailSlot, CODE_VALID_MINUTES, issueCode, ticketEmail, useTicket } from '../auth/codes.js';
import { normalizeEmail, sendLater, verifiedTicket, waitError } from '../auth/service.js';
import { nextReceiptNo } from '../procedures/receipt-numbers.js';
import { inUtility } from '../../db/in-utility.js';

/**
 * 使用開始・使用中止. A move-out is a member's procedure (features/procedures files it, through
 * the device's outbox); a move-in is filed by anyone with a confirmed e-mail address and no
 * account, so its receipt and status changes go by mail. Both share the lead-day rule.
 */

const mailContext = (deps: Pick<ServiceDeps, 'config'>): MailContext => ({ profile: deps.config.profile, origin: deps.config.origin });

/** The refusal of a move's day (too soon, not a business day, too far ahead), next to its field; null for other procedures. */
export function moveDayRefusal(deps: Pick<ServiceDeps, 'config' | 'now'>, content: ProcedureContent): RefusalError | null {
  const day = moveDayOf(content);
  if (day === null) return null;
  const { profile } = deps.config;
  const problem = moveDayProblem(day, {
    today: tokyoDate(deps.now),
    lead: profile.moves.leadBusinessDays,
    isBusinessDay: createBusinessCalendar(profile.closingDays).isBusinessDay,
    phone: profile.phone
  });
  return problem ? new RefusalError('bad-input', problem, content.kind === 'move-out' ? 'lastDay' : 'firstDay') : null;
}

/** Step 1: a code to the address, under sign-up's limits (a minute and five an hour per mailbox, sixty an hour per client). */
export async function requestMoveInCode(deps: ServiceDeps, rawEmail: string): Promise<{ resendAfterSeconds: number }> {
  const email = normalizeEmail(rawEmail);
  const wait = await claimMailSlot(deps.db, { email, purpose: 'move-in', clientKey: deps.clientKey }, deps.now);
  if (wait !== null) throw waitError(wait);
  const code = await issueCode(deps.db, { email, purpose: 'move-in', now: deps.now });
  sendLater(deps, moveInCodeMail(mailContext(deps), { to: email, code, validMinutes: CODE_VALID_MINUTES }));
  return { resendAfterSeconds: 60 };
}

/** Step 2: the code proves the address; the ticket carries the proof to the filing. */
export async function verifyMoveInCode(deps: ServiceDeps, rawEmail: string, code: string): Promise<{ ticket: string }> {
  return { ticket: await verifiedTicket(deps, normalizeEmail(rawEmail), 'move-in', code) };
}

/** The number typed does not have the utility's form: it is checked here as the seam to the billing system, which starts the contract by it. */
function faucetNoRefusal(example: string): RefusalError {
  return new RefusalError(
    'bad-input',
    {
      ja: `水栓番号は検針票やメーターの札にある番号（例: ${example}）を入力してください。わからなければ空欄のままでかまいません`,
      en: `Enter the faucet number as on the meter slip or the card at the meter (for example ${example}), or leave it empty`
    },
    'faucetNo'
  );
}

const ticketSpent = new RefusalError('bad-input', {
  ja: 'メールアドレスの確認の有効時間が過ぎたか、このお申し込みはすでに送信済みです。最初からやり直してください',
  en: 'The e-mail confirmation has timed out, or this application was already sent; please start again'
});

/**
 * Step 3: files the move-in, exactly once. One ticket files one move-in (used up in the filing's
 * transaction, in one statement); a resend of the same filing (same client id, same ticket) after
 * a lost answer gets the first one's receipt. The receipt mail goes once, after the commit.
 */
export async function fileMoveIn(
  deps: ServiceDeps,
  input: { ticket: string; clientId: string; fields: Record<string, string> }
): Promise<{ receiptNo: string; firstDay: string }> {
  const check = checkProcedureForm('move-in', input.fields);
  if (!check.ok) {
    const [first] = check.problems;
    throw new RefusalError('bad-input', first!.reason, first!.field, undefined, check.problems);
  }
  const content = check.content;
  if (content.kind !== 'move-in') throw new Error('a move-in form checks as a move-in');
  const faucetNoProblem = content.faucetNo !== null && !new RegExp(deps.config.profile.faucetNumber.pattern).test(content.faucetNo);
  if (faucetNoProblem) throw faucetNoRefusal(deps.config.profile.faucetNumber.example);
  const filed = await deps.db.transaction(async (tx) => {
    await lockKeys(tx, [`move-in:${input.clientId}`]);
    const [earlier] = await tx
      .select({ receiptNo: procedures.receiptNo, applicantEmail: procedures.applicantEmail, content: procedures.content })
      .from(procedures)
      .where(and(inUtility(tx, procedures), eq(procedures.kind, 'move-in'), eq(procedures.clientId, input.clientId)));
    // A resend gets the first filing's receipt, however late it comes: the day rule was the first filing's to meet.
    if (earlier) {
      if (earlier.applicantEmail !== (await ticketEmail(tx, input.ticket, 'move-in'))) throw ticketSpent;
      return { receiptNo: earlier.receiptNo, firstDay: moveDayOf(earlier.content as ProcedureContent)!, email: null };
    }
    const tooSoon = moveDayRefusal(deps, content);
    if (tooSoon) throw tooSoon;
    const proof = await useTicket(tx, input.ticket, 'move-in', deps.now);
    if (!proof) throw ticketSpent;
    const receiptNo = await nextReceiptNo(tx, deps.now);
    const [row] = await tx
      .insert(procedures)
      .values({
        receiptNo,
        customerId: null,
        clientId: input.clientId,
        faucetId: null,
        contractId: null,
        applicantEmail: proof.email,
        kind: 'move-in',
        content,
        status: 'received',
        filedAt: deps.now,
        updatedAt: deps.now
      })
      .returning({ id: procedures.id });
    await tx.insert(procedureEvents).values({ procedureId: row!.id, status: 'received', at: deps.now });
    return { receiptNo, firstDay: content.firstDay, email: proof.email };
  }, LOCKED_COUNT);
  if (filed.email !== null) {
    sendLater(deps, moveInStatusMail(mailContext(deps), { to: filed.email, receiptNo: filed.receiptNo, firstDay: filed.firstDay, status: procedureStatusNames.received, note: null }));
  }
  return { receiptNo: filed.receiptNo, firstDay: filed.firstDay };
}

/** A move-in's status change reaches the person by mail (sent after the clerk's transaction commits). */
export function mailMoveInStatus(deps: ServiceDeps, moveIn: { email: string; receiptNo: string; content: ProcedureContent; status: keyof typeof procedureStatusNames; note: string | null }): void {
  const firstDay = moveDayOf(moveIn.content) ?? '';
  sendLater(deps, moveInStatusMail(mailContext(deps), { to: moveIn.email, receiptNo: moveIn.receiptNo, firstDay, status: procedureStatusNames[moveIn.status], note: moveIn.note }));
}
