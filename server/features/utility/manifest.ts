import type { UtilityProfile } from '../../config.js';

/** The web app manifest, named after the configured utility so each one installs as its own app. */
export function webAppManifest(profile: UtilityProfile) {
  return {
    id: '/',
    name: `${profile.name.ja} 上下水道ポータル`,
    short_name: '上下水道',
    description: `${profile.name.ja}の検針・料金・お支払いの確認と各種お手続き`,
    lang: 'ja',
    dir: 'ltr',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    background_color: '#f3f6f9',
    theme_color: '#0b5cad',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
    ]
  };
}
