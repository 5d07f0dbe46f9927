// The app is a client-only SPA: data lives in IndexedDB, never rendered on the server.
export const ssr = false;
export const prerender = false;
