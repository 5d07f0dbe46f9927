import type { ServedUtility } from './portal.js';

/**
 * What `npm start` tells the person at the terminal on every start, above the JSON logs: where
 * each utility's portal is, its demo faucet to sign up with while its demo is in, and how to get
 * a staff log-in (the console has no sign-up; the first admin is made at the command line, for
 * one utility when there are several).
 */
export function startBanner(utilities: Pick<ServedUtility, 'id' | 'name' | 'origin' | 'demo'>[]): string {
  const several = utilities.length > 1;
  const lines = utilities.flatMap(({ id, name, origin, demo }) => [
    several ? `${name.ja} / ${name.en}: ${origin}` : `上下水道ポータル / Water portal: ${origin}`,
    ...(demo
      ? [
          `  デモの水栓番号 ${demo.faucetNo}・電話番号 ${demo.phone} で会員登録を試せます。`,
          `  Try sign-up with the demo faucet number ${demo.faucetNo} and phone number ${demo.phone}.`
        ]
      : []),
    `  職員のログインを作る / To create a staff log-in: npm run staff -- create${several ? ` --utility ${id}` : ''} --email you@example.jp --role admin`,
    `  （職員コンソール / staff console: ${origin}/staff）`
  ]);
  return `\n${lines.map((line) => `  ${line}`).join('\n')}\n\n`;
}
