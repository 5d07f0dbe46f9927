import { describe, expect, it } from 'vitest';
import { startBanner } from './start-banner.js';

describe('the start banner', () => {
  it('gives the address and the staff log-in command, and the demo faucet only while the demo is in', () => {
    const withDemo = startBanner('http://localhost:3000', { faucetNo: '12345678', phone: '01654-2-1234' });
    expect(withDemo).toContain('http://localhost:3000');
    expect(withDemo).toContain('デモの水栓番号 12345678・電話番号 01654-2-1234');
    expect(withDemo).toContain('npm run staff -- create --email you@example.jp --role admin');
    const own = startBanner('https://portal.example.jp', undefined);
    expect(own).toContain('https://portal.example.jp/staff');
    expect(own).not.toContain('デモ');
  });
});
