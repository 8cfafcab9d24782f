/** The action page's sign form as a supporter fills it in, urlencoded as a browser sends it. */
export function signatureForm(email: string, extra: Record<string, string> = {}) {
  return new URLSearchParams({
    intent: 'sign',
    firstName: 'Ana',
    lastName: 'Ruiz',
    email,
    country: 'ES',
    consent: 'on',
    ...extra,
  })
}

/**
 * A supporter's signature as the action page's form posts it, without JavaScript, from a client
 * address of the test's choosing (the web process must trust X-Forwarded-For: TRUST_PROXY=1).
 */
export function postSignature(
  webUrl: string,
  slug: string,
  email: string,
  {
    clientIp = '198.51.100.20',
    extra = {},
  }: { clientIp?: string; extra?: Record<string, string> } = {},
) {
  return fetch(`${webUrl}/actions/${slug}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'X-Forwarded-For': clientIp },
    body: signatureForm(email, extra),
  })
}
