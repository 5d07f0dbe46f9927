import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoProfilePath, parseProfile } from '../../config.js';
import { webAppManifest } from './manifest.js';

const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);

describe('webAppManifest', () => {
  const manifest = webAppManifest(profile);

  it('installs as a standalone Japanese app named after the utility', () => {
    expect(manifest.name).toContain('名寄市上下水道室');
    expect(manifest).toMatchObject({ display: 'standalone', lang: 'ja', start_url: '/' });
  });

  it('offers 192 and 512 pixel icons, one of them maskable', () => {
    const sizes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  });
});
