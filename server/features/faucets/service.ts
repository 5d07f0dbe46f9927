import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { FAUCET_LABEL_MAX, faucetLabel } from '../../../src/lib/shared/faucet-label.js';
import { normalizeCodeNumber } from '../../../src/lib/shared/normalize.js';
import type { UtilityProfile } from '../../config.js';
import type { Database } from '../../db/client.js';
import { inUtility } from '../../db/in-utility.js';
import { firstSendOf } from '../sync/client-changes.js';
import { proofAttempts } from '../../db/schema.js';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { RefusalError } from '../../errors.js';
import { LOCKED_COUNT, lockKeys } from '../../limits/rate-limits.js';
import type { ServiceDeps } from '../../service-deps.js';
import { asksForPaper, recordPaperSlipChange } from '../paper-slips/service.js';
import { currentContract } from '../contracts/service.js';
import { deleteLink, insertLink, linkCount, linkOfContract, relabelLink } from './links.js';

export const MAX_FAUCETS_PER_ACCOUNT = 20;
export const FAILED_PROOFS_PER_FAUCET = 5;
const FAILED_PROOFS_PER_CLIENT = 20;
const HOUR_MS = 3600_000;

export const contactStaff = (profile: Pick<UtilityProfile, 'name' | 'section' | 'phone'>) => ({
  ja: `${profile.name.ja} ${profile.section.ja}（電話 ${profile.phone}）`,
  en: `${profile.name.en}, ${profile.section.en} (phone ${profile.phone})`
});

/** Failed proofs of a faucet number or a client in the last hour that still count (staff clear them with cleared_at). */
export async function failedProofs(db: Database, column: typeof proofAttempts.faucetNo | typeof proofAttempts.clientKey, value: string, now: Date) {
  const [row] = await db
    .select({ count: count() })
    .from(proofAttempts)
    .where(
      and(
        inUtility(db, proofAttempts),
        eq(column, value),
        eq(proofAttempts.succeeded, false),
        isNull(proofAttempts.clearedAt),
        gt(proofAttempts.attemptedAt, new Date(now.getTime() - HOUR_MS))
      )
    );
  return row?.count ?? 0;
}

/**
 * Proves a faucet with its number and the phone number registered with the utility, for a
 * caller who is the contract holder or has the holder's consent (at sign-up and when adding a
 * faucet alike). A wrong pair, an unknown faucet and a faucet with no phone on record all get
 * the same answer, so guessing learns nothing. Five failures lock the faucet for an hour for
 * everyone, twenty lock the client; staff can clear a faucet's lock.
 */
export async function proveFaucet(deps: ServiceDeps, input: { faucetNo: string; phone: string; consent: boolean }): Promise<{ contractId: number; faucetNo: string }> {
  const { db, now, clientKey } = deps;
  const { profile } = deps.config;
  if (!input.consent) {
    throw new RefusalError('bad-input', { ja: '契約者の同意を得たことを確認してください', en: "Confirm that you have the contract holder's consent" }, 'consent');
  }
  const faucetNo = normalizeCodeNumber(input.faucetNo);
  const phone = normalizeCodeNumber(input.phone);
  if (!new RegExp(profile.faucetNumber.pattern).test(faucetNo)) {
    throw new RefusalError(
      'bad-input',
      { ja: `水栓番号の形式が違います（例: ${profile.faucetNumber.example}）`, en: `Not a faucet number (for example ${profile.faucetNumber.example})` },
      'faucetNo'
    );
  }
  if (!/^0\d{9,10}$/.test(phone)) {
    throw new RefusalError('bad-input', { ja: '電話番号は市外局番から10桁か11桁で入力してください', en: 'Enter the phone number with its area code: 10 or 11 digits' }, 'phone');
  }
  const contact = contactStaff(profile);
  // Count, check and record in one transaction holding the faucet's and the client's locks:
  // guesses sent at the same moment are taken one after another, so a lock trips on time.
  const { contract, triesLeft } = await db.transaction(async (tx) => {
    await lockKeys(tx, [`proof-client:${clientKey}`, `proof-faucet:${faucetNo}`]);
    const clientFailures = await failedProofs(tx, proofAttempts.clientKey, clientKey, now);
    if (clientFailures >= FAILED_PROOFS_PER_CLIENT) {
      throw new RefusalError(
        'too-many',
        { ja: `確認の失敗が続いたため、この端末からの確認を1時間停止しています。お急ぎの場合は${contact.ja}へ`, en: `Too many failed checks from this device; wait an hour or call ${contact.en}` },
        'faucetNo',
        3600
      );
    }
    const faucetFailures = await failedProofs(tx, proofAttempts.faucetNo, faucetNo, now);
    if (faucetFailures >= FAILED_PROOFS_PER_FAUCET) {
      throw new RefusalError(
        'too-many',
        { ja: `この水栓番号は確認の失敗が続いたため、1時間ほど確認できません。${contact.ja}へお問い合わせください`, en: `This faucet is locked for an hour after failed checks; please call ${contact.en}` },
        'faucetNo',
        3600
      );
    }
    const current = await currentContract(tx, faucetNo, tokyoDate(now));
    const succeeded = current !== undefined && current.phone !== null && current.phone === phone;
    await tx.insert(proofAttempts).values({ faucetNo, clientKey, succeeded, attemptedAt: now });
    // Counted under the same locks as the attempt just recorded: what the refusal says is what the next try meets.
    const triesLeft = Math.min(FAILED_PROOFS_PER_FAUCET - faucetFailures, FAILED_PROOFS_PER_CLIENT - clientFailures) - 1;
    return { contract: succeeded ? current : undefined, triesLeft };
  }, LOCKED_COUNT);
  if (!contract) {
    const lockAhead =
      triesLeft === 0
        ? { ja: 'これで1時間、確認できなくなりました。', en: 'Checks are now locked for an hour. ' }
        : triesLeft === 1
          ? { ja: 'あと1回間違えると、1時間確認できなくなります。', en: 'One more wrong try locks checks for an hour. ' }
          : { ja: '', en: '' };
    throw new RefusalError(
      'bad-input',
      {
        ja: `水栓番号または電話番号が違います。${lockAhead.ja}検針票の「お客様番号」と、届け出た電話番号をご確認ください。電話番号を届け出ていない場合は${contact.ja}へお問い合わせください`,
        en: `The faucet number or phone number is not right. ${lockAhead.en}Check the customer number on your meter slip and the phone you registered; if none is registered, call ${contact.en}`
      },
      'phone'
    );
  }
  return { contractId: contract.contractId, faucetNo };
}

/**
 * Links a proven contract to a customer: one account per contract at a time. The faucet
 * stops getting the paper slip from the next business day, unless the customer asked to keep
 * it (a finished paper-slip request for this contract). Check, count, link and the slip
 * change are one transaction holding the customer's lock and the contract's: two adds by one
 * customer sent at once are taken one after another, so neither passes the limit on a count
 * made before the other linked; and of many accounts claiming one contract at once, the first
 * links it and the others, waiting for it, find it linked (not the unique index's error).
 */
export async function linkFaucet(deps: ServiceDeps, input: { customerId: number; contractId: number; label?: string | null }): Promise<void> {
  const { now } = deps;
  const { profile } = deps.config;
  const { customerId, contractId } = input;
  await deps.db.transaction(async (tx) => {
    await lockKeys(tx, [`faucets:${customerId}`, `contract-link:${contractId}`]);
    const existing = await linkOfContract(tx, contractId);
    if (existing) {
      throw new RefusalError(
        'conflict',
        existing.customerId === customerId
          ? { ja: 'この水栓はすでに登録されています', en: 'This faucet is already on your account' }
          : { ja: `この水栓は別のアカウントで登録されています。${contactStaff(profile).ja}へお問い合わせください`, en: `This faucet is on another account; please call ${contactStaff(profile).en}` },
        'faucetNo'
      );
    }
    if ((await linkCount(tx, customerId)) >= MAX_FAUCETS_PER_ACCOUNT) {
      throw new RefusalError(
        'bad-input',
        { ja: `登録できる水栓は${MAX_FAUCETS_PER_ACCOUNT}件までです。不要な水栓を削除してから追加してください`, en: `An account holds at most ${MAX_FAUCETS_PER_ACCOUNT} faucets; remove one first` },
        'faucetNo'
      );
    }
    await insertLink(tx, { customerId, contractId, label: input.label ?? null, linkedAt: now });
    if (!(await asksForPaper(tx, contractId))) await recordPaperSlipChange(tx, contractId, true, now, profile);
  }, LOCKED_COUNT);
}

const notYours = new RefusalError('not-found', { ja: 'その水栓は登録されていません', en: 'No such faucet on your account' });

function cleanLabel(text: string | null): string | null {
  const label = faucetLabel(text);
  if (label === undefined) {
    throw new RefusalError('bad-input', { ja: `名前は${FAUCET_LABEL_MAX}文字以内にしてください`, en: `Use at most ${FAUCET_LABEL_MAX} characters` }, 'label');
  }
  return label;
}

/**
 * Renames a faucet, once per client id: the device's outbox sends the same id again when an
 * answer was lost, and the id is recorded in the change's own transaction, so a repeat finds
 * it and leaves everything as it is (a newer name given since included). Says whether it was
 * such a repeat: the device then holds its own name where the server may hold a newer one.
 */
export async function labelFaucet(
  deps: ServiceDeps,
  input: { customerId: number; linkId: number; label: string; clientId: string }
): Promise<{ repeated: boolean }> {
  const { customerId, linkId, clientId } = input;
  const label = cleanLabel(input.label);
  return deps.db.transaction(async (tx) => {
    if (!(await firstSendOf(tx, { customerId, clientId }, deps.now))) return { repeated: true };
    if (!(await relabelLink(tx, { customerId, linkId }, label))) throw notYours;
    return { repeated: false };
  });
}

/** Unlinks a faucet from the account, and its paper slip resumes from the next business day (unless its contract has ended): both or neither. */
export async function removeFaucet(deps: ServiceDeps, customerId: number, linkId: number): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const contractId = await deleteLink(tx, { customerId, linkId });
    if (contractId === undefined) throw notYours;
    await recordPaperSlipChange(tx, contractId, false, deps.now, deps.config.profile);
  });
}

/** Adds a faucet to a signed-in account: the same proof as at sign-up. */
export async function addFaucet(
  deps: ServiceDeps,
  input: { customerId: number; faucetNo: string; phone: string; consent: boolean; label: string | null }
): Promise<void> {
  const label = cleanLabel(input.label);
  const proof = await proveFaucet(deps, input);
  await linkFaucet(deps, { customerId: input.customerId, contractId: proof.contractId, label });
}
