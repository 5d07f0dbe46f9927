import { describe, expect, it } from 'vitest';
import { listedPushHost, pushEndpointProblem } from './push-endpoint.js';

const none: never[] = [];

describe('pushEndpointProblem', () => {
  it.each([
    'https://fcm.googleapis.com/fcm/send/dXk3:APA91bH-x_y',
    'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk',
    'https://push.services.mozilla.com/wpush/v1/abc',
    'https://web.push.apple.com/QOe2nB1-Jf0',
    'https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2bx%3d'
  ])('takes a browser push service endpoint: %s', (endpoint) => {
    expect(pushEndpointProblem(endpoint, none)).toBeNull();
  });

  it.each([
    ['https://127.0.0.1:5432/', 'not a known push service'],
    ['https://10.0.0.1/', 'not a known push service'],
    ['https://169.254.169.254/latest/meta-data/iam/security-credentials/', 'not a known push service'],
    ['https://0x7f000001/', 'not in the form a browser gives'],
    ['https://2130706433/', 'not in the form a browser gives'],
    ['https://127.1/', 'not in the form a browser gives'],
    ['https://user:pass@127.0.0.1/', 'has a user name or password'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'not a known push service'],
    ['https://[::1]/', 'not a known push service'],
    ['https://[::ffff:7f00:1]/', 'not a known push service'],
    ['http://fcm.googleapis.com/fcm/send/x', 'not https'],
    ['https://fcm.googleapis.com:8443/fcm/send/x', 'port 8443 is not 443'],
    ['https://user@fcm.googleapis.com/fcm/send/x', 'has a user name or password'],
    ['https://fcm.googleapis.com.evil.example/x', 'not a known push service'],
    ['https://evilfcm.googleapis.com/x', 'not a known push service'],
    ['https://xpush.apple.com/x', 'not a known push service'],
    ['https://fcm.googleapis.com./x', 'not a known push service'],
    ['https://FCM.googleapis.com/x', 'not in the form a browser gives'],
    ['https://fcm.googleapis.com:443/x', 'not in the form a browser gives'],
    ['https://fcm.googleapis.com\\@127.0.0.1/', 'not in the form a browser gives'],
    [' https://fcm.googleapis.com/x', 'not in the form a browser gives'],
    ['fcm.googleapis.com/x', 'not a URL']
  ])('refuses %s (%s)', (endpoint, problem) => {
    expect(pushEndpointProblem(endpoint, none)).toBe(problem);
  });

  const listed = [
    { suffix: 'push.example.jp', port: 443 },
    { suffix: '127.0.0.1', port: 8443 }
  ];

  it('takes the hosts PUSH_SERVICE_HOSTS lists, at their port, and nothing more', () => {
    expect(pushEndpointProblem('https://push.example.jp/d/1', listed)).toBeNull();
    expect(pushEndpointProblem('https://eu.push.example.jp/d/1', listed)).toBeNull();
    expect(pushEndpointProblem('https://127.0.0.1:8443/push/1', listed)).toBeNull();
    expect(pushEndpointProblem('https://127.0.0.1/push/1', listed)).toBe('port 443 is not the one listed for 127.0.0.1');
    expect(pushEndpointProblem('https://push.example.jp:8443/d/1', listed)).toBe('port 8443 is not the one listed for push.example.jp');
    expect(pushEndpointProblem('https://xpush.example.jp/d/1', listed)).toBe('not a known push service');
    expect(pushEndpointProblem('https://10.127.0.0.1/', listed)).toBe('not a URL');
    expect(pushEndpointProblem('https://user:pass@127.0.0.1:8443/', listed)).toBe('has a user name or password');
    expect(pushEndpointProblem('https://fcm.googleapis.com/fcm/send/x', listed)).toBeNull();
  });
});

describe('listedPushHost', () => {
  const listed = [{ suffix: '0.0.1', port: 443 }, { suffix: 'push.example.jp', port: 443 }];

  it('matches a name and its subdomains, any case, but an address only whole', () => {
    expect(listedPushHost('A.Push.Example.JP', listed)).toEqual(listed[1]);
    expect(listedPushHost('127.0.0.1', listed)).toBeUndefined();
    expect(listedPushHost('push.example.jp.evil.example', listed)).toBeUndefined();
  });
});
