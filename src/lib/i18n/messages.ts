import type * as parts from './ja';

export { locales, type Locale } from '$lib/shared/localized';

type Part = (typeof parts)[keyof typeof parts];
type KeysOf<T> = T extends unknown ? keyof T : never;

/**
 * Every key of the app's texts. Japanese comes first, split by the pages that draw them (ja/*.ts):
 * a page loads only the parts it imports, and `texts()` (locale.svelte.ts) lets it name only
 * their keys. English (messages-en.ts) must have exactly these keys: a key missing or extra there
 * is a type error, so no screen is ever half translated.
 */
export type MessageKey = KeysOf<Part>;
