import { error } from '@sveltejs/kit';

/** Any other path is the customers' not-found page, inside their header and tab bar ((app)/+error.svelte). */
export function load(): never {
  error(404, 'Not found');
}
