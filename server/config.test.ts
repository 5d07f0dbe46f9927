import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, demoProfilePath, loadConfig } from './config.js';

const demo = JSON.parse(readFileSync(demoProfilePath, 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(path.join(tmpdir(), 'portal-config-'));

function profileFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function loadError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted a bad configuration');
}

describe('loadConfig', () => {
  it('uses the documented defaults and the built-in demo profile', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      origin: 'http://localhost:3000',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      logLevel: 'info',
      trustProxy: 0,
      pushServiceHosts: [],
      profileSource: 'built-in demo profile'
    });
    expect(config.profile.name.ja).toBe('名寄市上下水道室');
    expect(config.profile.phone).toBe('01654-3-2111');
  });

  it('reads every variable of the environment', () => {
    const file = profileFile('ok.json', JSON.stringify(demo));
    const config = loadConfig({
      PORT: '8080',
      ORIGIN: 'https://portal.example.jp/',
      DATA_DIR: '/var/lib/portal',
      DATABASE_URL: 'postgres://app@db/portal',
      SMTP_URL: 'smtp://user:pass@mail:587',
      VAPID_PUBLIC_KEY: 'pub',
      VAPID_PRIVATE_KEY: 'priv',
      VAPID_SUBJECT: 'mailto:it@example.jp',
      UTILITY_CONFIG: file,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '2',
      PUSH_SERVICE_HOSTS: 'Push.Example.JP, 127.0.0.1:8443,'
    });
    expect(config).toMatchObject({
      port: 8080,
      origin: 'https://portal.example.jp',
      dataDir: '/var/lib/portal',
      databaseUrl: 'postgres://app@db/portal',
      smtpUrl: 'smtp://user:pass@mail:587',
      vapid: { publicKey: 'pub', privateKey: 'priv', subject: 'mailto:it@example.jp' },
      logLevel: 'warn',
      trustProxy: 2,
      pushServiceHosts: [
        { suffix: 'push.example.jp', port: 443 },
        { suffix: '127.0.0.1', port: 8443 }
      ],
      profileSource: file
    });
  });

  it('names the missing field and the file', () => {
    const { phone: _phone, ...withoutPhone } = demo;
    const file = profileFile('missing.json', JSON.stringify(withoutPhone));
    const error = loadError({ UTILITY_CONFIG: file });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/- phone: .*expected string/i);
  });

  it('names a nested field of the wrong type', () => {
    const tariff = structuredClone(demo.tariff) as { water: { volumeTiers: { yenPerM3: unknown }[] } };
    tariff.water.volumeTiers[1]!.yenPerM3 = '210円';
    const file = profileFile('wrong-type.json', JSON.stringify({ ...demo, tariff }));
    const error = loadError({ UTILITY_CONFIG: file });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/tariff\.water\.volumeTiers\[1\]\.yenPerM3: .*expected number/i);
  });

  it('rejects a faucet-number pattern that is not a regular expression', () => {
    const file = profileFile('pattern.json', JSON.stringify({ ...demo, faucetNumber: { pattern: '([0-9', example: '1' } }));
    expect(loadError({ UTILITY_CONFIG: file }).message).toMatch(/faucetNumber\.pattern: not a valid regular expression/);
  });

  it("names an area's postal code that is not written as 123-4567 (the key), and takes a profile without an area", () => {
    const file = profileFile('area.json', JSON.stringify({ ...demo, area: { prefecture: '北海道', city: '名寄市', towns: { '0960071': '緑丘' } } }));
    expect(loadError({ UTILITY_CONFIG: file }).message).toMatch(/area\.towns\.0960071: invalid key/i);
    const withoutArea = profileFile('no-area.json', JSON.stringify({ ...demo, area: undefined }));
    expect(loadConfig({ UTILITY_CONFIG: withoutArea }).profile.area).toBeUndefined();
  });

  it('refuses a qualified-invoice registration number whose check digit is wrong, and takes a profile without one', () => {
    const file = profileFile('invoice.json', JSON.stringify({ ...demo, invoice: { ...(demo.invoice as object), registrationNumber: 'T5000020012211' } }));
    expect(loadError({ UTILITY_CONFIG: file }).message).toMatch(/invoice\.registrationNumber: check digit 5 does not match the number \(expected 4\)/);
    const without = profileFile('no-invoice.json', JSON.stringify({ ...demo, invoice: undefined }));
    expect(loadConfig({ UTILITY_CONFIG: without }).profile.invoice).toBeUndefined();
  });

  describe('tariff districts (a merged 企業団)', () => {
    const furen = { id: 'furen', label: { ja: '風連地区', en: 'Furen' }, tariff: demo.tariff };
    const withDistricts = (districts: unknown[], extra: object = {}) => ({
      ...demo,
      tariffDistricts: { defaultLabel: { ja: '名寄地区', en: 'Nayoro' }, districts, ...extra }
    });
    const message = (name: string, profile: object) => loadError({ UTILITY_CONFIG: profileFile(name, JSON.stringify(profile)) }).message;

    it('takes districts beside the tariff, and a profile without them as before', () => {
      const file = profileFile('districts.json', JSON.stringify(withDistricts([furen, { ...furen, id: 'SHIMO_02' }])));
      expect(loadConfig({ UTILITY_CONFIG: file }).profile.tariffDistricts?.districts.map((district) => district.id)).toEqual(['furen', 'SHIMO_02']);
      expect(loadConfig({}).profile.tariffDistricts).toBeUndefined();
    });

    it('names a district id written twice', () => {
      expect(message('twice.json', withDistricts([furen, { ...furen, label: { ja: '風連', en: 'Furen' } }]))).toMatch(
        /- tariffDistricts\.districts\[1\]\.id: "furen" is already the id of districts\[0\]/
      );
    });

    it('names an id that could not be written plainly in a CSV cell', () => {
      for (const id of ['', 'fu ren', '-furen', '風連', 'a'.repeat(33)]) {
        expect(message('bad-id.json', withDistricts([{ ...furen, id }]))).toMatch(
          /- tariffDistricts\.districts\[0\]\.id: letters, digits, hyphens and underscores only \(at most 32, starting with a letter or digit\)/
        );
      }
    });

    it("names a district's tariff field, the missing label and an empty list", () => {
      const { sewer: _sewer, ...withoutSewer } = demo.tariff as Record<string, unknown>;
      expect(message('no-sewer.json', withDistricts([{ ...furen, tariff: withoutSewer }]))).toMatch(/- tariffDistricts\.districts\[0\]\.tariff\.sewer: .*expected object/i);
      const { label: _label, ...withoutLabel } = furen;
      expect(message('no-label.json', withDistricts([withoutLabel]))).toMatch(/- tariffDistricts\.districts\[0\]\.label: .*expected object/i);
      expect(message('empty.json', withDistricts([]))).toMatch(/- tariffDistricts\.districts: .*>=1 items/i);
      expect(message('no-default-label.json', withDistricts([furen], { defaultLabel: undefined }))).toMatch(/- tariffDistricts\.defaultLabel: .*expected object/i);
    });

    it("refuses a district's tax rate other than the utility's: consumption tax has one rate", () => {
      const eightPercent = { ...furen, tariff: { ...(demo.tariff as object), taxRatePercent: 8 } };
      expect(message('tax.json', withDistricts([furen, eightPercent]))).toMatch(
        /- tariffDistricts\.districts\[1\]\.tariff\.taxRatePercent: must be tariff\.taxRatePercent \(10\): consumption tax has one rate/
      );
    });
  });

  it('says when the file cannot be read or is not JSON', () => {
    const missing = path.join(dir, 'nowhere.json');
    expect(loadError({ UTILITY_CONFIG: missing }).message).toBe(
      `UTILITY_CONFIG ${missing}: cannot read the file (ENOENT)`
    );
    const broken = profileFile('broken.json', '{ "id": ');
    expect(loadError({ UTILITY_CONFIG: broken }).message).toMatch(new RegExp(`^UTILITY_CONFIG ${broken}: not valid JSON`));
  });

  it('names bad environment variables', () => {
    expect(loadError({ PORT: 'eighty' }).message).toMatch(/- PORT: /);
    expect(loadError({ DATABASE_URL: 'mysql://x' }).message).toMatch(/- DATABASE_URL: expected a postgres/);
    expect(loadError({ LOG_LEVEL: 'loud' }).message).toMatch(/- LOG_LEVEL: /);
    expect(loadError({ VAPID_PUBLIC_KEY: 'only-one' }).message).toMatch(/set all three or none/);
    for (const hops of ['yes', '-1', '1.5', '11']) expect(loadError({ TRUST_PROXY: hops }).message).toMatch(/- TRUST_PROXY: /);
    for (const hosts of ['https://push.example.jp', '*.example.jp', 'push.example.jp:0', 'push.example.jp:70000', '.example.jp', 'user@push.example.jp', '[::1]:8443', '300.0.0.1', '10.0.1', 'push.example.jp/x']) {
      expect(loadError({ PUSH_SERVICE_HOSTS: `fcm.example.jp, ${hosts}` }).message).toMatch(/- PUSH_SERVICE_HOSTS: .* is not a host name or IPv4 address with an optional :port/);
    }
    // One label would take a whole top-level domain (every .com host) off the private-address check.
    for (const hosts of ['com', 'internal:8443', 'localhost']) {
      expect(loadError({ PUSH_SERVICE_HOSTS: `fcm.example.jp, ${hosts}` }).message).toMatch(
        new RegExp(`- PUSH_SERVICE_HOSTS: "${hosts}" is a single label; give a host name with at least two \\(push\\.example\\.jp\\)`)
      );
    }
  });
});

describe('a directory of profiles (several utilities)', () => {
  const directory = (profiles: Record<string, object>) => {
    const place = mkdtempSync(path.join(tmpdir(), 'portal-profiles-'));
    for (const [name, profile] of Object.entries(profiles)) writeFileSync(path.join(place, name), JSON.stringify(profile));
    return place;
  };
  const minami = { ...demo, id: 'minami', hosts: ['minami.example.jp'] };

  it('serves every profile in file-name order; the first is the one a command without --utility works for', () => {
    const config = loadConfig({ UTILITY_CONFIG: directory({ 'b-minami.json': minami, 'a-nayoro.json': demo, 'notes.txt': {} }) });
    expect(config.utilities.map(({ profile }) => [profile.id, profile.hosts])).toEqual([
      ['nayoro-demo', undefined],
      ['minami', ['minami.example.jp']]
    ]);
    expect(config.profile.id).toBe('nayoro-demo');
    expect(config.utilities[1]!.source).toMatch(/b-minami\.json$/);
  });

  it('with no configuration serves the built-in demo utilities, the first on every host', () => {
    const config = loadConfig({});
    expect(config.utilities[0]!.profile.id).toBe('nayoro-demo');
    expect(config.utilities[0]!.profile.hosts).toBeUndefined();
    for (const { profile } of config.utilities.slice(1)) expect(profile.hosts?.length).toBeGreaterThan(0);
  });

  it('refuses two utilities with one id, one host named by two, and two answering every host', () => {
    const message = loadError({
      UTILITY_CONFIG: directory({
        'a.json': demo,
        'b.json': { ...demo, hosts: ['x.example.jp'] },
        'c.json': { ...minami, id: 'c', hosts: ['x.example.jp'] },
        'd.json': { ...minami, id: 'd', hosts: undefined }
      })
    }).message;
    expect(message).toMatch(/the profiles collide/);
    expect(message).toMatch(/- b\.json: id "nayoro-demo" is already the id of a\.json/);
    expect(message).toMatch(/- c\.json: host "x\.example\.jp" is already a host of b\.json/);
    expect(message).toMatch(/- a\.json, d\.json: give each but one of them its hosts/);
  });

  it("refuses ORIGIN's host as another profile's host while a profile without hosts is served at ORIGIN", () => {
    const place = directory({ 'a.json': demo, 'b.json': { ...minami, hosts: ['portal.example.jp'] } });
    expect(loadError({ UTILITY_CONFIG: place, ORIGIN: 'https://portal.example.jp' }).message).toMatch(
      /- b\.json: host "portal\.example\.jp" is ORIGIN's, the address of a\.json \(the profile without hosts\)/
    );
    expect(loadConfig({ UTILITY_CONFIG: place, ORIGIN: 'https://city.example.jp' }).utilities).toHaveLength(2);
  });

  it('refuses a host with a scheme, a port or capitals, and an empty directory', () => {
    for (const host of ['https://minami.example.jp', 'minami.example.jp:3000', 'Minami.example.jp', '', 'a..b']) {
      expect(loadError({ UTILITY_CONFIG: directory({ 'm.json': { ...minami, hosts: [host] } }) }).message).toMatch(/- hosts\[0\]: a host name in lowercase/);
    }
    expect(loadError({ UTILITY_CONFIG: directory({}) }).message).toMatch(/the directory holds no profile/);
  });
});
