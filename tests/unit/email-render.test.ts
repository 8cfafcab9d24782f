import { describe, expect, test } from 'vitest'
import { renderEmail } from '#emails/render.ts'

const params = {
  firstName: 'Ana <b>',
  actionTitle: 'Free Amara Kessely',
  atRiskName: 'Amara Kessely',
  confirmUrl: 'https://vigil.example.org/confirm/abc',
}

describe('email rendering', () => {
  test('HTML and plain text come from the same template', () => {
    const email = renderEmail('signature-confirmation', params)
    expect(email.subject).toBe('Please confirm your signature: Free Amara Kessely')
    expect(email.html).toContain('href="https://vigil.example.org/confirm/abc"')
    expect(email.text).toContain('Thank you for standing with Amara Kessely.')
    expect(email.text).toContain('https://vigil.example.org/confirm/abc')
    expect(email.transactional).toBe(true)
  })

  test('what a supporter typed is escaped in the HTML', () => {
    const email = renderEmail('signature-confirmation', params)
    expect(email.html).toContain('Dear Ana &lt;b&gt;,')
    expect(email.html).not.toContain('Ana <b>')
  })

  test('parameters are validated: a link must be http(s)', () => {
    expect(() =>
      renderEmail('signature-confirmation', { ...params, confirmUrl: 'javascript:alert(1)' }),
    ).toThrow()
  })
})
