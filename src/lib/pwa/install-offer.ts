/**
 * Which way the app can be put on the home screen. Chrome and Edge hand over an install prompt
 * (`beforeinstallprompt`); Safari on iPhone and iPad has none, only 共有 → ホーム画面に追加,
 * so there the app shows a short guide. Inside the installed app there is nothing to offer.
 */
export type InstallOffer = 'prompt' | 'ios-guide' | 'none';

/**
 * Browsers on iOS that are not Safari. They share Safari's engine and most of its user agent,
 * but add their own token; in them 「ホーム画面に追加」 is missing or elsewhere (in-app
 * browsers of LINE, Instagram and Facebook have no share sheet for it at all).
 */
const otherIosBrowsers = /CriOS|FxiOS|EdgiOS|OPiOS|OPT\/|YaBrowser|GSA\/|DuckDuckGo|Line\/|FBAN|FBAV|Instagram|MicroMessenger/i;

/**
 * Safari on an iPhone, iPod or iPad. iPadOS Safari asks for desktop pages by default and then
 * says "Macintosh"; only its touch screen (maxTouchPoints > 1) tells it from a Mac.
 */
export function isIosSafari(userAgent: string, maxTouchPoints: number): boolean {
  const iosDevice = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  // Safari writes its own version (Version/17.0) and Safari/…; other apps' web views often leave one out.
  const safari = /Version\/[\d.]+.*Safari\//.test(userAgent);
  return iosDevice && safari && !otherIosBrowsers.test(userAgent);
}

export interface InstallSituation {
  /** Running as the installed app (display-mode standalone, or iOS's navigator.standalone). */
  standalone: boolean;
  /** The browser has handed over an install prompt that has not been used yet. */
  promptReady: boolean;
  iosSafari: boolean;
}

export function installOffer({ standalone, promptReady, iosSafari }: InstallSituation): InstallOffer {
  if (standalone) return 'none';
  if (promptReady) return 'prompt';
  return iosSafari ? 'ios-guide' : 'none';
}
