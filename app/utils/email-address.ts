// Canonical form of an email address, used to recognise the same person however they type it.
// Client-safe and dependency-free so forms can use it too.

// Providers that deliver "name+anything@" to "name@".
const PLUS_TAG_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'fastmail.com',
  'proton.me',
  'protonmail.com',
])
// Providers that ignore dots in the local part.
const DOTLESS_DOMAINS = new Set(['gmail.com', 'googlemail.com'])
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' }

/** Lower-cases and trims; for providers that ignore them, drops dots and `+tags`. */
export function canonicalEmail(address: string): string {
  const trimmed = address.trim().toLowerCase()
  const at = trimmed.lastIndexOf('@')
  if (at <= 0) return trimmed
  let local = trimmed.slice(0, at)
  const rawDomain = trimmed.slice(at + 1)
  if (PLUS_TAG_DOMAINS.has(rawDomain)) local = local.split('+')[0] ?? local
  if (DOTLESS_DOMAINS.has(rawDomain)) local = local.replaceAll('.', '')
  const domain = DOMAIN_ALIASES[rawDomain] ?? rawDomain
  return `${local}@${domain}`
}
