import { toKatakana } from './kana';
import type { Localized } from './localized';
import { normalizeCodeNumber, normalizeQuantity, normalizeText } from './normalize';
import { postalCodeOf } from './postal-area';
import { typedTextProblem } from './typed-text';

/** The procedures a member files for one of their faucets (各種お手続き). */
export const memberProcedureKinds = ['holder-change', 'billing-address', 'paper-slip', 'paper-slip-withdrawal', 'move-out'] as const;
export type MemberProcedureKind = (typeof memberProcedureKinds)[number];
/** Every procedure, the same list as the database's: 使用開始 (move-in) is filed by anyone, with a confirmed e-mail and no account. */
export const procedureKinds = [...memberProcedureKinds, 'move-in'] as const;
export type ProcedureKind = (typeof procedureKinds)[number];
/** The moves, as the staff queue filters them together. */
export const moveKinds = ['move-out', 'move-in'] as const satisfies readonly ProcedureKind[];

/** 受付 → 処理中 → 完了 / 差戻し. */
export const procedureStatuses = ['received', 'processing', 'done', 'returned'] as const;
export type ProcedureStatus = (typeof procedureStatuses)[number];

export const procedureNames: Record<ProcedureKind, Localized> = {
  'holder-change': { ja: '使用者名義変更', en: 'Change of contract holder' },
  'billing-address': { ja: '請求書等送付先変更', en: 'Change of billing address' },
  'paper-slip': { ja: '紙の検針票の送付希望', en: 'Request for the paper meter slip' },
  'paper-slip-withdrawal': { ja: '紙の検針票の送付希望の取り下げ', en: 'Withdrawal of the paper meter slip request' },
  'move-out': { ja: '使用中止（お引越し・転居）', en: 'Stopping the supply (moving out)' },
  'move-in': { ja: '使用開始（お引越し・入居）', en: 'Starting the supply (moving in)' }
};

/** How a final bill is paid after moving out: the account transfer goes on, or a payment slip (納付書) goes to the new address. */
export const finalPayments = ['debit', 'slip'] as const;
export type FinalPayment = (typeof finalPayments)[number];
export const finalPaymentNames: Record<FinalPayment, Localized> = {
  debit: { ja: '今の口座振替のまま', en: 'By the current account transfer' },
  slip: { ja: '納付書を新しい住所へ送る', en: 'A payment slip sent to the new address' }
};
/** Whether a person moving in wants to pay by account transfer: the paper form (口座振替依頼書) is posted to them. */
export const debitChoices = ['yes', 'no'] as const;
export const debitChoiceNames: Record<(typeof debitChoices)[number], Localized> = {
  yes: { ja: '口座振替を希望する（申込書を郵送します）', en: 'Yes, by account transfer (the form is posted to you)' },
  no: { ja: '希望しない（納付書で払う）', en: 'No, by payment slip' }
};

export const procedureStatusNames: Record<ProcedureStatus, Localized> = {
  received: { ja: '受付', en: 'Received' },
  processing: { ja: '処理中', en: 'Processing' },
  done: { ja: '完了', en: 'Done' },
  returned: { ja: '差戻し', en: 'Returned' }
};

/** Each form's content as it is kept, normalised. */
export type ProcedureContent =
  | { kind: 'holder-change'; newHolderName: string; newHolderKana: string; phone: string; effectiveDate: string }
  | { kind: 'billing-address'; name: string; postalCode: string; address: string; phone: string | null }
  | { kind: 'paper-slip' }
  | { kind: 'paper-slip-withdrawal' }
  | { kind: 'move-out'; lastDay: string; postalCode: string; address: string; finalPayment: FinalPayment; phone: string }
  | {
      kind: 'move-in';
      postalCode: string;
      address: string;
      /** From the card at the meter, when the person has it. */
      faucetNo: string | null;
      applicantName: string;
      applicantKana: string;
      phone: string;
      firstDay: string;
      debit: boolean;
    };

/** A filed procedure with every status it went through; instants as `Time` (Date on the server, ISO text on the wire). */
export interface ProcedureRecord<Time> {
  id: number;
  receiptNo: string;
  /** The outbox id the device filed it with: the device matches its queued filing to it. */
  clientId: string;
  kind: ProcedureKind;
  /** Null for a move-in filed without one. */
  faucetNo: string | null;
  content: ProcedureContent;
  status: ProcedureStatus;
  staffNote: string | null;
  filedAt: Time;
  updatedAt: Time;
  history: { status: ProcedureStatus; note: string | null; at: Time }[];
}

export interface FieldProblem {
  field: string;
  reason: Localized;
}

export type FormCheck = { ok: true; content: ProcedureContent } | { ok: false; problems: FieldProblem[] };

export const NAME_MAX = 60;
export const ADDRESS_MAX = 200;

const problems = {
  required: { ja: '入力してください', en: 'Please fill this in' },
  nameTooLong: { ja: `${NAME_MAX}文字以内で入力してください`, en: `Use at most ${NAME_MAX} characters` },
  addressTooLong: { ja: `${ADDRESS_MAX}文字以内で入力してください`, en: `Use at most ${ADDRESS_MAX} characters` },
  kana: { ja: 'フリガナはカタカナ（またはひらがな）で入力してください', en: 'Write the reading in katakana (or hiragana)' },
  phone: { ja: '電話番号は市外局番から10桁か11桁で入力してください', en: 'Enter the phone number with its area code: 10 or 11 digits' },
  postalCode: { ja: '郵便番号は7桁の数字で入力してください（例: 096-8686）', en: 'Enter the 7-digit postal code (for example 096-8686)' },
  date: { ja: '日付を正しく入力してください（例: 2026-04-01）', en: 'Enter a valid date (for example 2026-04-01)' },
  choose: { ja: 'どちらかを選んでください', en: 'Please choose one' },
  faucetNo: { ja: '水栓番号は検針票やメーターの札にある英数字で入力してください（わからなければ空欄）', en: 'Enter the faucet number from the slip or the meter card (leave it empty if unknown)' }
} satisfies Record<string, Localized>;

/** Each form field's name as the customer's form labels it (i18n procedures.field.*, moveIn.field.* for the public move-in form), for a refusal of its text to name it. */
export const procedureFieldNames = {
  newHolderName: { ja: '新しい使用者のお名前', en: 'Name of the new holder' },
  newHolderKana: { ja: 'フリガナ', en: 'Reading (katakana)' },
  phone: { ja: '電話番号', en: 'Phone number' },
  effectiveDate: { ja: '名義を変える日', en: 'Date of the change' },
  name: { ja: '送付先のお名前', en: 'Name to send to' },
  postalCode: { ja: '郵便番号', en: 'Postal code' },
  address: { ja: '送付先の住所', en: 'Address to send to' },
  lastDay: { ja: '使用をやめる日', en: 'Last day of use' },
  finalPayment: { ja: '最後の料金のお支払い方法', en: 'How to pay the final bill' },
  firstDay: { ja: '使用を始める日', en: 'First day of use' },
  supplyPostalCode: { ja: '使用場所の郵便番号', en: 'Postal code of the supply address' },
  supplyAddress: { ja: '使用場所の住所', en: 'Supply address' },
  faucetNo: { ja: '水栓番号（わかれば）', en: 'Faucet number (if known)' },
  applicantName: { ja: 'ご使用になる方のお名前', en: 'Name of the new user' },
  applicantKana: { ja: 'フリガナ', en: 'Reading (katakana)' },
  debit: { ja: '口座振替', en: 'Account transfer' }
} satisfies Record<string, Localized>;
type FormField = keyof typeof procedureFieldNames;

/** A form's fields as typed: each read, normalised and checked, every problem collected next to its field. */
class Fields {
  readonly problems: FieldProblem[] = [];
  constructor(private readonly raw: Readonly<Record<string, string | undefined>>) {}

  private fail(field: string, reason: Localized): null {
    this.problems.push({ field, reason });
    return null;
  }

  /** The field as typed; null, refused, when it holds a character no typed text may hold (before any other check). */
  private read(field: FormField): string | null {
    const raw = this.raw[field] ?? '';
    const problem = typedTextProblem(raw, procedureFieldNames[field]);
    return problem ? this.fail(field, problem) : raw;
  }

  text(field: FormField, max: number, tooLong: Localized, required = true): string | null {
    const raw = this.read(field);
    if (raw === null) return null;
    const value = normalizeText(raw).replace(/\s+/g, ' ');
    if (value === '') return required ? this.fail(field, problems.required) : null;
    return value.length > max ? this.fail(field, tooLong) : value;
  }

  kana(field: FormField): string | null {
    const value = this.text(field, NAME_MAX, problems.nameTooLong);
    if (value === null) return null;
    const katakana = toKatakana(value);
    return /^[\u30a1-\u30fa\u30fc ]+$/.test(katakana) ? katakana : this.fail(field, problems.kana);
  }

  phone(field: FormField, required = true): string | null {
    const raw = this.read(field);
    if (raw === null) return null;
    const value = normalizeCodeNumber(raw);
    if (value === '') return required ? this.fail(field, problems.required) : null;
    return /^0\d{9,10}$/.test(value) ? value : this.fail(field, problems.phone);
  }

  /** 〒 and any hyphen or space go; full-width digits count. Kept as 123-4567. */
  postalCode(field: FormField): string | null {
    const raw = this.read(field);
    if (raw === null) return null;
    if (normalizeCodeNumber(raw).replace(/^〒/, '') === '') return this.fail(field, problems.required);
    return postalCodeOf(raw) ?? this.fail(field, problems.postalCode);
  }

  choice<Option extends string>(field: FormField, options: readonly Option[]): Option | null {
    const value = this.read(field);
    if (value === null) return null;
    return options.find((option) => option === value) ?? this.fail(field, problems.choose);
  }

  /** Optional: letters and digits as on the card, hyphens and spaces dropped; undefined when refused. */
  faucetNo(field: FormField): string | null | undefined {
    const raw = this.read(field);
    if (raw === null) return undefined;
    const value = normalizeCodeNumber(raw).toUpperCase();
    if (value === '') return null;
    return /^[0-9A-Z]{1,20}$/.test(value) ? value : (this.fail(field, problems.faucetNo) ?? undefined);
  }

  date(field: FormField): string | null {
    const raw = this.read(field);
    if (raw === null) return null;
    const value = normalizeQuantity(raw).replace(/[/.年月]/g, '-').replace(/日$/, '');
    if (value === '') return this.fail(field, problems.required);
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (!match) return this.fail(field, problems.date);
    const iso = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
    const parsed = new Date(`${iso}T00:00:00Z`);
    return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? this.fail(field, problems.date) : iso;
  }
}

/**
 * Checks and normalises a procedure form, on the device before it is queued (also offline)
 * and again on the server: every problem is reported with the field it belongs next to.
 */
export function checkProcedureForm(kind: ProcedureKind, raw: Readonly<Record<string, string | undefined>>): FormCheck {
  const fields = new Fields(raw);
  const content = ((): ProcedureContent | null => {
    switch (kind) {
      case 'holder-change': {
        const newHolderName = fields.text('newHolderName', NAME_MAX, problems.nameTooLong);
        const newHolderKana = fields.kana('newHolderKana');
        const phone = fields.phone('phone');
        const effectiveDate = fields.date('effectiveDate');
        return newHolderName && newHolderKana && phone && effectiveDate ? { kind, newHolderName, newHolderKana, phone, effectiveDate } : null;
      }
      case 'billing-address': {
        const name = fields.text('name', NAME_MAX, problems.nameTooLong);
        const postalCode = fields.postalCode('postalCode');
        const address = fields.text('address', ADDRESS_MAX, problems.addressTooLong);
        const phone = fields.phone('phone', false);
        return name && postalCode && address && fields.problems.length === 0 ? { kind, name, postalCode, address, phone } : null;
      }
      case 'paper-slip':
      case 'paper-slip-withdrawal':
        return { kind };
      case 'move-out': {
        const lastDay = fields.date('lastDay');
        const postalCode = fields.postalCode('postalCode');
        const address = fields.text('address', ADDRESS_MAX, problems.addressTooLong);
        const finalPayment = fields.choice('finalPayment', finalPayments);
        const phone = fields.phone('phone');
        return lastDay && postalCode && address && finalPayment && phone ? { kind, lastDay, postalCode, address, finalPayment, phone } : null;
      }
      case 'move-in': {
        const postalCode = fields.postalCode('supplyPostalCode');
        const address = fields.text('supplyAddress', ADDRESS_MAX, problems.addressTooLong);
        const faucetNo = fields.faucetNo('faucetNo');
        const applicantName = fields.text('applicantName', NAME_MAX, problems.nameTooLong);
        const applicantKana = fields.kana('applicantKana');
        const phone = fields.phone('phone');
        const firstDay = fields.date('firstDay');
        const debit = fields.choice('debit', debitChoices);
        return postalCode && address && faucetNo !== undefined && applicantName && applicantKana && phone && firstDay && debit
          ? { kind, postalCode, address, faucetNo, applicantName, applicantKana, phone, firstDay, debit: debit === 'yes' }
          : null;
      }
    }
  })();
  return content && fields.problems.length === 0 ? { ok: true, content } : { ok: false, problems: fields.problems };
}

/** The day a move asks for: the last day of use (move-out) or the first (move-in); null for other procedures. */
export function moveDayOf(content: ProcedureContent): string | null {
  if (content.kind === 'move-out') return content.lastDay;
  if (content.kind === 'move-in') return content.firstDay;
  return null;
}

/** Where staff may move a procedure from each status: 受付 → 処理中 → 完了 / 差戻し (a plain case may be finished at once). */
export const nextStatuses: Record<ProcedureStatus, readonly ProcedureStatus[]> = {
  received: ['processing', 'done', 'returned'],
  processing: ['done', 'returned'],
  done: [],
  returned: []
};

/** Null when staff may move a procedure from `from` to `to` with this note; else why not, next to its field. */
export function statusChangeProblem(from: ProcedureStatus, to: ProcedureStatus, note: string): FieldProblem | null {
  if (!nextStatuses[from].includes(to)) {
    return {
      field: 'status',
      reason: {
        ja: `「${procedureStatusNames[from].ja}」から「${procedureStatusNames[to].ja}」には変更できません`,
        en: `A procedure cannot go from "${procedureStatusNames[from].en}" to "${procedureStatusNames[to].en}"`
      }
    };
  }
  if (to === 'returned' && note.trim() === '') {
    return { field: 'note', reason: { ja: '差戻しの理由をお客様へのメモに書いてください', en: 'Tell the customer why it is returned in the note' } };
  }
  return null;
}
