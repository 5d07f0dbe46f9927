/**
 * What `npm start` tells the person at the terminal on every start, above the JSON logs: where
 * the portal is, the demo faucet to sign up with while the demo utility is in, and how to get a
 * staff log-in (the console has no sign-up; the first admin is made at the command line).
 */
export function startBanner(origin: string, demo: { faucetNo: string; phone: string } | undefined): string {
  const lines = [`上下水道ポータル / Water portal: ${origin}`];
  if (demo) {
    lines.push(
      `デモの水栓番号 ${demo.faucetNo}・電話番号 ${demo.phone} で会員登録を試せます。`,
      `Try sign-up with the demo faucet number ${demo.faucetNo} and phone number ${demo.phone}.`
    );
  }
  lines.push(
    `職員のログインを作る / To create a staff log-in: npm run staff -- create --email you@example.jp --role admin`,
    `（職員コンソール / staff console: ${origin}/staff）`
  );
  return `\n${lines.map((line) => `  ${line}`).join('\n')}\n\n`;
}
