/**
 * The page every path of the app falls back to, with no content of its own: SvelteKit's SPA
 * fallback (adapter-static's `fallback` in svelte.config.js, which names the same file), drawn
 * wholly in the browser. The server answers every path that is not a file or a prerendered page
 * with it, and the service worker every navigation it has no prerendered page for.
 */
export const APP_SHELL = '/shell.html';
