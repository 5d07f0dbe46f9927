import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** The repository root: the boundary zones below are paths under it, wherever eslint runs from. */
const root = import.meta.dirname;

/** Packages that do I/O; the pure layers must not import them (shared/spec/ARCHITECTURE.md). */
const ioPackages = ['postgres', '@electric-sql/pglite', 'drizzle-orm', 'drizzle-orm/*', 'dexie', '@trpc/*', 'nodemailer', 'web-push', 'pino'];

/**
 * Node's built-ins by exact name (a pattern such as `path` would also match a file `./path`),
 * with and without the `node:` prefix.
 */
const builtinPaths = builtinModules
  .flatMap((name) => [name, `node:${name}`])
  .map((name) => ({ name, message: 'Pure code does no I/O: pass data in instead.' }));

const noClock = 'Pass `now` in: pure code reads no clock.';

const pureLayerRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: builtinPaths,
      patterns: [
        { group: ['node:*'], message: 'Pure code does no I/O: pass data in instead.' },
        { group: ioPackages, message: 'Pure code does no I/O: pass data in instead.' },
        { regex: '^\\$lib/', message: 'The server runs pure code too, and `$lib` is SvelteKit\'s alias: import by relative path.' }
      ]
    }
  ],
  // The runtime's ways to reach the world; `new Date(value)` stays allowed, as it reads no clock.
  'no-restricted-globals': [
    'error',
    ...[
      'process', 'fetch', 'crypto', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'performance', 'require',
      'globalThis', 'window', 'self', 'navigator', 'indexedDB', 'localStorage', 'XMLHttpRequest', 'WebSocket'
    ].map((name) => ({ name, message: 'Pure code does no I/O: pass what it needs in.' }))
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: noClock },
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: noClock },
    // `Date()` called without `new` returns the current time as a string.
    { selector: "CallExpression[callee.name='Date']", message: noClock },
    { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Pass randomness in.' },
    // A dynamic import loads code the zones cannot see when its path is computed.
    { selector: 'ImportExpression', message: 'Pure code imports statically, and only other pure code.' }
  ]
};

/**
 * import-x's no-restricted-paths for value imports only: an `import type` is erased from the
 * build, so it carries no code across a boundary. That is how src/ gets AppRouter from server/.
 */
const restrictedPaths = importX.rules['no-restricted-paths'];
const noRestrictedValuePaths = {
  meta: restrictedPaths.meta,
  create(context) {
    const isTypeOnly = (node) => node.parent?.importKind === 'type' || node.parent?.exportKind === 'type';
    const report = (descriptor) => {
      if (!isTypeOnly(descriptor.node)) context.report(descriptor);
    };
    return restrictedPaths.create(Object.create(context, { report: { value: report } }));
  }
};

/**
 * The boundaries of shared/spec/ARCHITECTURE.md, on the path an import resolves to (relative,
 * `$lib/…` or dynamic alike), not on the text of the import.
 */
const boundaryZones = [
  {
    target: './src',
    from: './server',
    except: ['./router.ts'],
    message: 'src/ may import from server/ only `import type { AppRouter }` from server/router.'
  },
  {
    target: './server',
    from: './src',
    except: ['./lib/shared'],
    message: 'server/ may import from src/ only src/lib/shared/.'
  },
  {
    target: './server/domain',
    from: '.',
    except: ['./server/domain', './src/lib/shared', './node_modules'],
    message: 'server/domain/ does no I/O: it imports only itself, src/lib/shared/ and pure packages.'
  },
  {
    target: './src/lib/shared',
    from: '.',
    except: ['./src/lib/shared', './node_modules'],
    message: 'src/lib/shared/ does no I/O: it imports only itself and pure packages.'
  }
];

/** The boundaries above plus a zone's own: a later block's options replace an earlier one's for the files it covers. */
function boundariesWith(...zones) {
  return { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...boundaryZones, ...zones] }] };
}

/**
 * Tables more than one feature needs, each with one owner: only the owner imports the table
 * from the schema or names it in SQL text (from, join, into, update); the others call the
 * owner's functions, so a rule about the table (a contract's end, a link's customer) lives in
 * one place. `exceptions` are files that may, with the reason.
 */
const tableOwners = [
  { table: 'contracts', name: 'contracts', owner: 'server/features/contracts/' },
  { table: 'faucet_links', name: 'faucetLinks', owner: 'server/features/faucets/links.ts' },
  { table: 'paper_slip_changes', name: 'paperSlipChanges', owner: 'server/features/paper-slips/' },
  { table: 'notices', name: 'notices', owner: 'server/features/notices/' },
  { table: 'notice_deliveries', name: 'noticeDeliveries', owner: 'server/features/notices/' },
  { table: 'notice_preferences', name: 'noticePreferences', owner: 'server/features/notices/' }
];
const tableOwnerExceptions = {
  // Every pull starts with one prepared statement, one snapshot: the customer's links and
  // contracts, and whether any notice changed since the cursor.
  'server/features/sync/service.ts': ['contracts', 'faucet_links', 'notices']
};

const tableOwner = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const excepted = tableOwnerExceptions[file] ?? [];
    const foreign = tableOwners.filter(({ table, owner }) => !(owner.endsWith('/') ? file.startsWith(owner) : file === owner) && !excepted.includes(table));
    if (foreign.length === 0) return {};
    const report = (node, { table, owner }) =>
      context.report({ node, message: `${table} belongs to ${owner}: call its functions instead of reading or writing the table here.` });
    const checkSql = (node, text) => {
      for (const entry of foreign) {
        if (new RegExp(`\\b(from|join|into|update)\\s+${entry.table}\\b`, 'i').test(text)) report(node, entry);
      }
    };
    return {
      ImportDeclaration(node) {
        if (!/(^|\/)db\/schema(\.js|\.ts)?$/.test(node.source.value)) return;
        for (const specifier of node.specifiers) {
          const entry = specifier.type === 'ImportSpecifier' && foreign.find(({ name }) => name === specifier.imported.name);
          if (entry) report(specifier, entry);
        }
      },
      Literal(node) {
        if (typeof node.value === 'string') checkSql(node, node.value);
      },
      TemplateElement(node) {
        checkSql(node, node.value.cooked ?? node.value.raw);
      }
    };
  }
};

export default ts.config(
  {
    ignores: ['build/', '.svelte-kit/', 'node_modules/', 'drizzle/', 'test-results/', 'playwright-report/', 'data/',
      // Broken where they are on purpose: tests/lint/boundaries.test.ts lints each as if it stood in the tree.
      'tests/lint/fixtures/']
  },
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
    plugins: { 'import-x': importX, portal: { rules: { 'no-restricted-value-paths': noRestrictedValuePaths } } },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })] },
    rules: {
      ...boundariesWith(),
      // The client talks to the server only through the typed tRPC client: server/router's
      // types, never its code (a value or dynamic import would bundle the server).
      'portal/no-restricted-value-paths': [
        'error',
        {
          basePath: root,
          zones: [{ target: './src', from: './server/router.ts', message: 'src/ may import only types from server/ (import type { AppRouter }).' }]
        }
      ]
    }
  },
  // The client's layers (shared/spec/ARCHITECTURE.md "Sync"): pages read the device's copy,
  // through the features' reads, and the device's storage knows nothing of syncing.
  {
    files: ['src/**'],
    rules: boundariesWith(
      {
        // Every page but the staff console's, which is online-only.
        target: ['./src/routes/*', './src/routes/!(staff)/**'],
        from: './src/lib/api.ts',
        message: 'Customer pages read the device\'s copy (the feature reads in src/lib/<feature>/), never the network: online and offline they look the same.'
      },
      {
        target: './src/routes',
        from: './node_modules/dexie',
        message: 'Pages read the device\'s copy through deviceCopy() and the feature reads, never Dexie itself.'
      },
      {
        target: './src/lib/local',
        from: './src/lib/sync',
        message: 'src/lib/local/ is the device\'s storage: sync builds on it, never the other way round.'
      }
    )
  },
  {
    files: ['server/**'],
    ignores: ['**/*.test.ts'],
    plugins: { tables: { rules: { 'one-owner': tableOwner } } },
    rules: { 'tables/one-owner': 'error' }
  },
  {
    files: ['server/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\$lib/', message: 'server/ imports src/lib/shared/ by relative path: `$lib` is SvelteKit\'s alias.' }] }
      ]
    }
  },
  // Tests of pure code may read fixtures from disk.
  { files: ['server/domain/**', 'src/lib/shared/**'], ignores: ['**/*.test.ts'], rules: pureLayerRules },
  // A feature's router is thin (shared/spec/ARCHITECTURE.md): zod input, who may call, one service
  // call. Its queries belong to its service, and another feature is reached through that feature's
  // service, never its router.
  {
    files: ['server/features/*/router.ts'],
    rules: boundariesWith(
      {
        target: './server/features/*/router.ts',
        from: './node_modules/drizzle-orm',
        message: 'A router builds no query: call the feature\'s service.'
      },
      {
        target: './server/features/*/router.ts',
        from: './server/db/schema.ts',
        message: 'A router reads no table: call the feature\'s service.'
      },
      {
        target: './server/features/*/router.ts',
        from: './server/features/*/router.ts',
        message: 'A router does not borrow another feature\'s router: share through server/domain/ or that feature\'s service.'
      }
    )
  }
);
