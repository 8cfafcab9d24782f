/**
 * Nothing loads from a third party: supporters may read from countries that watch such traffic.
 * Scripts run only with this response's nonce.
 */
export function contentSecurityPolicy(nonce: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ')
}

/** For the development mailbox's framed email HTML: inline styles, nothing else. */
export const devMailFramePolicy =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

/**
 * The headers every response carries, in one list for both the Express middleware and the page
 * cache's fast path (server.ts).
 */
export function securityHeaders({
  nonce,
  devMailFrame = false,
  strictTransport,
}: {
  nonce: string
  devMailFrame?: boolean
  /** HSTS, for a production site served over https. */
  strictTransport: boolean
}): [string, string][] {
  const headers: [string, string][] = [
    ['Content-Security-Policy', devMailFrame ? devMailFramePolicy : contentSecurityPolicy(nonce)],
    ['Referrer-Policy', 'same-origin'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()'],
  ]
  if (!devMailFrame) headers.push(['X-Frame-Options', 'DENY'])
  if (strictTransport)
    headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'])
  return headers
}
