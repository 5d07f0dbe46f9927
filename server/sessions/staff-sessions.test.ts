import { describe, expect, it } from 'vitest';
import { sessionCookie } from './sessions.js';
import { staffSessionCookie } from './staff-sessions.js';

describe('the staff session cookie', () => {
  it('is a __Host- cookie, Secure, HttpOnly and SameSite=Lax over HTTPS, named apart from the customers’', () => {
    expect(staffSessionCookie('https://portal.example.jp', 'token')).toBe(
      '__Host-staff_session=token; Max-Age=28800; Path=/; HttpOnly; SameSite=Lax; Secure'
    );
    expect(sessionCookie('https://portal.example.jp', 'token')).toMatch(/^__Host-session=token;/);
  });

  it('is cleared with Max-Age=0', () => {
    expect(staffSessionCookie('https://portal.example.jp', null)).toBe('__Host-staff_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure');
  });
});

describe('the session cookie over plain http', () => {
  it('leaves Secure out only on this machine (localhost, a name under it, 127.0.0.1), never elsewhere', () => {
    for (const origin of ['http://localhost:3000', 'http://minami.localhost:3000', 'http://127.0.0.1:4173']) {
      expect(sessionCookie(origin, 'token')).not.toMatch(/Secure/);
    }
    for (const origin of ['http://portal.example.jp', 'http://localhost.example.jp', 'http://evil-localhost:3000']) {
      expect(sessionCookie(origin, 'token')).toMatch(/; Secure$/);
    }
  });
});
