import { resolve } from '$app/paths';
import type { formsTexts } from '$lib/i18n/ja/forms';
import type { helpTexts } from '$lib/i18n/ja/help';

type HelpKey = keyof typeof helpTexts;

/** The answers on the help page, each with an anchor (its id) that error screens link to. */
export interface FaqItem {
  id: string;
  question: HelpKey;
  /** Paragraphs; {contact} and {example} are filled from the utility profile. */
  answer: HelpKey[];
  /** The code-mail advice the sign-up and reset screens show (sender address from the profile). */
  codeMailAdvice?: boolean;
  /** Where the customer can do it at once. */
  action?: { href: '/reset' | '/withdraw' | '/move-in'; label: HelpKey };
}

export const faq = [
  { id: 'code', question: 'help.code.q', answer: ['help.code.address'], codeMailAdvice: true },
  { id: 'faucet-number', question: 'help.faucetNumber.q', answer: ['help.faucetNumber.a'] },
  { id: 'phone', question: 'help.phone.q', answer: ['help.phone.a', 'help.phone.noTelling'] },
  { id: 'registered', question: 'help.registered.q', answer: ['help.registered.a', 'help.registered.faucet'] },
  {
    id: 'password',
    question: 'help.password.q',
    answer: ['help.password.a', 'help.password.noTelling'],
    action: { href: '/reset', label: 'help.password.link' }
  },
  { id: 'lost-mailbox', question: 'help.lostMailbox.q', answer: ['help.lostMailbox.a'] },
  { id: 'data', question: 'help.data.q', answer: ['help.data.a', 'help.data.contract'] },
  { id: 'paper', question: 'help.paper.q', answer: ['help.paper.a'] },
  {
    id: 'moving',
    question: 'help.moving.q',
    answer: ['help.moving.a', 'help.moving.out', 'help.moving.lead'],
    action: { href: '/move-in', label: 'help.moving.link' }
  },
  { id: 'one-account', question: 'help.oneAccount.q', answer: ['help.oneAccount.a'] },
  { id: 'withdraw', question: 'help.withdraw.q', answer: ['help.withdraw.a'], action: { href: '/withdraw', label: 'help.withdraw.link' } }
] as const satisfies readonly FaqItem[];

/** The answers an error screen links to: the anchor and the link's words. */
export const linkedAnswers = {
  code: 'help.linkTo.code',
  phone: 'help.linkTo.phone',
  registered: 'help.linkTo.registered',
  password: 'help.linkTo.password'
} as const satisfies Partial<Record<(typeof faq)[number]['id'], keyof typeof formsTexts>>;

export type LinkedAnswer = keyof typeof linkedAnswers;

export function answerHref(id: (typeof faq)[number]['id']): string {
  return `${resolve('/help')}#${id}`;
}
