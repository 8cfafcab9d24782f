import { describe, expect, test } from 'vitest'
import { fillLetter } from '#app/utils/letter-template.ts'
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

describe("letters at the console's limits", () => {
  // A template at the console's limits, with the longest values its placeholders can take.
  const message = 'm'.repeat(1000)
  const values = {
    'supporter.firstName': 'f'.repeat(100),
    'supporter.lastName': 'l'.repeat(100),
    'supporter.fullName': `${'f'.repeat(100)} ${'l'.repeat(100)}`,
    'supporter.country': 'Spain',
    'supporter.message': message,
    'authority.name': 'n'.repeat(200),
    'authority.title': 't'.repeat(200),
    'authority.salutation': 's'.repeat(200),
    'action.reference': 'UA 001/26',
    'action.atRiskName': 'a'.repeat(200),
  }
  const subject = fillLetter('{{supporter.message}}'.repeat(300 / 21), values)
  const letter = fillLetter('{{supporter.message}}\n'.repeat(20_000 / 22), values)

  test('a letter filled to its longest is still an email an official can be sent', () => {
    const email = renderEmail('authority-letter', {
      subject,
      letter,
      supporterName: values['supporter.fullName'],
      reference: 'UA 001/26',
      language: 'es',
    })
    expect(email.text.length).toBeGreaterThan(letter.length)
  })

  test('the thank-you carries it, addressed to an official with the longest name and title', () => {
    const email = renderEmail('signature-thank-you', {
      firstName: values['supporter.firstName'],
      atRiskName: values['action.atRiskName'],
      actionTitle: 'A case',
      authorityName: `${values['authority.name']}, ${values['authority.title']}`,
      letter,
      actionUrl: 'https://vigil.example.org/actions/a-case',
    })
    expect(email.text).toContain(message)
  })
})
