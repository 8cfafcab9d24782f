// What a supporter may type into the sign and follow forms. Every refusal names a translation
// key for the field it concerns, and what was typed comes back so the form can show it again.
import { describe, expect, test } from 'vitest'
import { FollowSchema, parseForm, SignSchema } from '#app/schemas/supporter-forms.ts'

function formData(fields: Record<string, string>) {
  const data = new FormData()
  for (const [key, value] of Object.entries(fields)) data.append(key, value)
  return data
}

const validSignature = {
  firstName: 'Ana',
  lastName: 'Ruiz',
  email: 'ana.ruiz@example.org',
  country: 'ES',
  consent: 'on',
}

/** Parses a sign form expected to be refused; returns its errors and the values sent back. */
function refusedSignature(fields: Record<string, string>) {
  const result = parseForm(SignSchema, formData(fields))
  if (result.ok) throw new Error(`expected the form to be refused, got ${JSON.stringify(result)}`)
  return result
}

describe('the sign form', () => {
  test('a complete form is accepted, trimmed, with unticked choices read as false', () => {
    const result = parseForm(
      SignSchema,
      formData({ ...validSignature, firstName: '  Zoë-Marie ', lastName: "O'Brien", message: '' }),
    )
    expect(result).toEqual({
      ok: true,
      data: {
        firstName: 'Zoë-Marie',
        lastName: "O'Brien",
        email: 'ana.ruiz@example.org',
        country: 'ES',
        consent: 'on',
        follow: false,
        news: false,
      },
    })
  })

  test('ticked follow and news boxes and a personal message are kept', () => {
    const result = parseForm(
      SignSchema,
      formData({
        ...validSignature,
        message: '  Please release her. 5 > 3.  ',
        follow: 'on',
        news: 'on',
      }),
    )
    expect(result.ok && result.data).toMatchObject({
      message: 'Please release her. 5 > 3.',
      follow: true,
      news: true,
    })
  })

  test('overlong names, address and message are each refused as too long', () => {
    const typed = {
      ...validSignature,
      firstName: 'A'.repeat(101),
      lastName: 'B'.repeat(101),
      email: `${'a'.repeat(250)}@example.org`,
      message: 'm'.repeat(1001),
    }
    const { errors, values } = refusedSignature(typed)
    expect(errors).toEqual({
      firstName: ['form.error.firstName.tooLong'],
      lastName: ['form.error.lastName.tooLong'],
      email: ['form.error.email.tooLong'],
      message: ['form.error.message.tooLong'],
    })
    expect(values).toEqual(typed)
  })

  test('a message as long as the box allows is taken: a line break the browser sends as CRLF counts once', () => {
    // 991 characters and 9 line breaks: 1,000 in the textarea, 1,009 as the browser sends them.
    const typed = `${'w'.repeat(99)}\r\n`.repeat(9) + 'w'.repeat(100)
    const result = parseForm(SignSchema, formData({ ...validSignature, message: typed }))
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    expect(result.data.message).toBe(typed.replaceAll('\r\n', '\n'))
    expect(result.data.message).toHaveLength(1000)
  })

  test('markup in names and message is refused, and what was typed comes back as typed', () => {
    const typed = {
      ...validSignature,
      firstName: '<script>alert(1)</script>',
      lastName: 'Ruiz<b>',
      message: 'Free her <script>alert(1)</script>',
    }
    const { errors, values } = refusedSignature(typed)
    expect(errors).toEqual({
      firstName: ['form.error.firstName.markup'],
      lastName: ['form.error.lastName.markup'],
      message: ['form.error.message.markup'],
    })
    expect(values).toEqual(typed)
  })

  test('control characters in a name or message are refused as markup', () => {
    const { errors } = refusedSignature({
      ...validSignature,
      firstName: 'An\u0007a',
      message: 'null\u0000byte',
    })
    expect(errors).toEqual({
      firstName: ['form.error.firstName.markup'],
      message: ['form.error.message.markup'],
    })
  })

  test('a name without a single letter is refused as missing', () => {
    expect(refusedSignature({ ...validSignature, lastName: '12345' }).errors).toEqual({
      lastName: ['form.error.lastName.required'],
    })
  })

  test.each(['ana@', 'ana.example.org', 'ana @example.org', '@example.org'])(
    'the malformed address %j is refused as invalid',
    (email) => {
      const { errors, values } = refusedSignature({ ...validSignature, email })
      expect(errors).toEqual({ email: ['form.error.email.invalid'] })
      expect(values.email).toBe(email)
    },
  )

  test.each(['XX', 'es', 'ESP'])('the unknown country code %j is refused', (country) => {
    expect(refusedSignature({ ...validSignature, country }).errors).toEqual({
      country: ['form.error.country.unknown'],
    })
  })

  test('a form sent without the consent box ticked is refused with the consent key', () => {
    const { consent: _consent, ...withoutConsent } = validSignature
    const { errors, values } = refusedSignature(withoutConsent)
    expect(errors).toEqual({ consent: ['form.error.consent.required'] })
    expect(values).toEqual(withoutConsent)
  })

  test('a consent box with any value other than "on" is refused', () => {
    expect(refusedSignature({ ...validSignature, consent: 'yes' }).errors).toEqual({
      consent: ['form.error.consent.required'],
    })
  })

  test('an empty form names each required field once', () => {
    const typed = { firstName: '', lastName: ' ', email: '', country: '', message: '' }
    expect(refusedSignature(typed).errors).toEqual({
      firstName: ['form.error.firstName.required'],
      lastName: ['form.error.lastName.required'],
      email: ['form.error.email.required'],
      country: ['form.error.country.required'],
      consent: ['form.error.consent.required'],
    })
  })

  test('a request leaving out the fields altogether gets the same translation keys', () => {
    // Forms always send their fields; bots and hand-made requests do not, and the page must
    // still be able to translate what it shows.
    expect(refusedSignature({}).errors).toEqual({
      firstName: ['form.error.firstName.required'],
      lastName: ['form.error.lastName.required'],
      email: ['form.error.email.required'],
      country: ['form.error.country.required'],
      consent: ['form.error.consent.required'],
    })
  })
})

describe('the follow form', () => {
  test('an address with the consent box ticked is accepted, trimmed', () => {
    expect(
      parseForm(FollowSchema, formData({ email: '  Ana@Example.org ', consent: 'on' })),
    ).toEqual({ ok: true, data: { email: 'Ana@Example.org', consent: 'on' } })
  })

  test('a malformed address and missing consent are refused with their own keys', () => {
    const result = parseForm(FollowSchema, formData({ email: 'ana' }))
    expect(result).toEqual({
      ok: false,
      errors: {
        email: ['form.error.email.invalid'],
        consent: ['form.error.followConsent.required'],
      },
      values: { email: 'ana' },
    })
  })
})
