/** Session-token checks for the browser-mode server: every HTTP request and WebSocket upgrade must carry it. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function generateSessionToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison; the token's length is not secret, so unequal lengths may return early. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Cookies are scoped by host, not port, so two servers on 127.0.0.1 would overwrite one cookie name:
 * the port keeps each server's cookie apart.
 */
export function sessionCookieName(port: number): string {
  return `dataset_health_session_${port}`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** How a request proved it holds the token: 'query' requests also get the cookie set. */
export type AuthResult = 'query' | 'cookie' | null;

/**
 * A token in the query decides on its own (a wrong one is refused even beside a valid cookie);
 * without one, the session cookie must match.
 */
export function authenticate(req: IncomingMessage, url: URL, token: string, cookieName: string): AuthResult {
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null) return tokensEqual(queryToken, token) ? 'query' : null;
  const cookieToken = parseCookies(req.headers.cookie).get(cookieName);
  return cookieToken !== undefined && tokensEqual(cookieToken, token) ? 'cookie' : null;
}

export function sessionCookie(cookieName: string, token: string): string {
  return `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
