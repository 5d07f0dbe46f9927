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
