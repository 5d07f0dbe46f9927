import { describe, expect, it } from 'vitest';
import { installOffer, isIosSafari } from './install-offer';

const ua = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  ipadSafari:
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  // iPadOS Safari asks for desktop pages: the same text as a Mac's Safari.
  desktopClassSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  iphoneChrome:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  iphoneFirefox:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15',
  iphoneEdge:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/125.2535.60 Mobile/15E148 Safari/605.1.15',
  iphoneLine:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0',
  iphoneInstagram:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 335.0.0.30.91 (iPhone14,5; iOS 17_5; ja_JP)',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  desktopChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
};

describe('isIosSafari', () => {
  it('is true for Safari on an iPhone and an iPad', () => {
    expect(isIosSafari(ua.iphoneSafari, 5)).toBe(true);
    expect(isIosSafari(ua.ipadSafari, 5)).toBe(true);
  });

  it('tells an iPad asking for desktop pages from a Mac by its touch screen', () => {
    expect(isIosSafari(ua.desktopClassSafari, 5)).toBe(true);
    expect(isIosSafari(ua.desktopClassSafari, 0)).toBe(false);
  });

  it('is false for other browsers and in-app views on iOS', () => {
    for (const other of [ua.iphoneChrome, ua.iphoneFirefox, ua.iphoneEdge, ua.iphoneLine, ua.iphoneInstagram]) {
      expect(isIosSafari(other, 5), other).toBe(false);
    }
  });

  it('is false for Chrome on Android and on a PC', () => {
    expect(isIosSafari(ua.androidChrome, 5)).toBe(false);
    expect(isIosSafari(ua.desktopChrome, 0)).toBe(false);
  });
});

describe('installOffer', () => {
  it('offers nothing inside the installed app, whatever the browser', () => {
    expect(installOffer({ standalone: true, promptReady: true, iosSafari: false })).toBe('none');
    expect(installOffer({ standalone: true, promptReady: false, iosSafari: true })).toBe('none');
  });

  it('offers the browser prompt when there is one, else the guide on iOS Safari only', () => {
    expect(installOffer({ standalone: false, promptReady: true, iosSafari: false })).toBe('prompt');
    expect(installOffer({ standalone: false, promptReady: false, iosSafari: true })).toBe('ios-guide');
    expect(installOffer({ standalone: false, promptReady: false, iosSafari: false })).toBe('none');
  });
});
