import { describe, expect, it } from 'vitest';
import { startBanner } from './start-banner.js';

const nayoro = { id: 'nayoro-demo', name: { ja: '名寄市上下水道室', en: 'Nayoro' }, origin: 'http://localhost:3000' };
const minami = { id: 'minami-demo', name: { ja: '南町上下水道課', en: 'Minami' }, origin: 'http://minami.localhost:3000' };

describe('the start banner', () => {
  it('gives the address and the staff log-in command, and the demo faucet only while the demo is in', () => {
    const withDemo = startBanner([{ ...nayoro, demo: { faucetNo: '12345678', phone: '01654-2-1234' } }]);
    expect(withDemo).toContain('http://localhost:3000');
    expect(withDemo).toContain('デモの水栓番号 12345678・電話番号 01654-2-1234');
    expect(withDemo).toContain('npm run staff -- create --email you@example.jp --role admin');
    const own = startBanner([{ ...nayoro, origin: 'https://portal.example.jp' }]);
    expect(own).toContain('https://portal.example.jp/staff');
    expect(own).not.toContain('デモ');
  });

  it('names each of several utilities with its address, and the staff command names the utility', () => {
    const banner = startBanner([nayoro, { ...minami, demo: { faucetNo: 'M0000001', phone: '0123-45-6789' } }]);
    expect(banner).toContain('名寄市上下水道室 / Nayoro: http://localhost:3000');
    expect(banner).toContain('南町上下水道課 / Minami: http://minami.localhost:3000');
    expect(banner).toContain('npm run staff -- create --utility minami-demo --email you@example.jp --role admin');
    expect(banner).toContain('http://minami.localhost:3000/staff');
    expect(banner.match(/デモの水栓番号/g)).toHaveLength(1);
  });
});
