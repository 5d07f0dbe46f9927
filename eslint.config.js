import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Modules that do I/O; the pure layers must not import them (shared/spec/ARCHITECTURE.md). */
const ioModules = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https',
  'child_process', 'node:child_process', 'postgres', '@electric-sql/pglite', 'drizzle-orm', 'drizzle-orm/*', 'dexie',
  '@trpc/*', 'nodemailer', 'web-push'
];

const pureLayerRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ioModules, message: 'Pure code does no I/O: pass data in instead.' },
        { group: ['**/db/*', '**/features/*', '**/server/**', '$lib/local/*', '$lib/sync/*', '$lib/api'], message: 'Pure code does no I/O.' },
        { regex: '(^|/)src/(?!lib/shared/)|^\\$lib/(?!shared/)', message: 'Pure code imports only other pure code.' }
      ]
    }
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Pass `now` in: pure code reads no clock.' },
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass `now` in: pure code reads no clock.' },
    { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Pass randomness in.' }
  ]
};

export default ts.config(
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'drizzle/', 'test-results/', 'playwright-report/', 'data/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
  },
  {
    // The client talks to the server only through the typed tRPC client.
    files: ['src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**'],
              allowTypeImports: true,
              message: 'src/ may import only types from server/ (import type { AppRouter }).'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['server/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)src/(?!lib/shared/)|^\\$lib/',
              message: 'server/ may import from src/ only src/lib/shared/.'
            }
          ]
        }
      ]
    }
  },
  // Tests of pure code may read fixtures from disk.
  { files: ['server/domain/**', 'src/lib/shared/**'], ignores: ['**/*.test.ts'], rules: pureLayerRules }
);
