// A public page, prerendered: src/routes/+layout.ts says why and how.
export const prerender = true;
export const ssr = true;
