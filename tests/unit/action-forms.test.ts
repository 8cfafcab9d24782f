// The console's forms, as rules on what staff may type.
import { describe, expect, test } from 'vitest'
import { AuthoritySchema } from '#app/schemas/action-forms.ts'

const official = {
  role: 'target',
  name: 'Minister Fictional',
  title: 'Minister of the Interior',
  salutation: 'Dear Minister',
  email: 'minister@interior.example',
  postalAddress: '',
  language: 'es',
}

describe("an official's email address", () => {
  test.each(['minister@interior.example', ' minister@interior.example '])(
    '%j is taken',
    (email) => {
      expect(AuthoritySchema.parse({ ...official, email }).email).toBe('minister@interior.example')
    },
  )

  test('left empty, with a postal address, is none', () => {
    const parsed = AuthoritySchema.parse({ ...official, email: '', postalAddress: 'Calle 1' })
    expect(parsed.email).toBeNull()
  })

  test.each(['minister', 'a b@c.example', 'a@b', 'a\u0000@b.example', 'a@b\u0007.example'])(
    '%j is refused with a clear error, not sent to the database',
    (email) => {
      const result = AuthoritySchema.safeParse({ ...official, email })
      expect(result.success).toBe(false)
      expect(result.error!.issues.map((issue) => issue.message)).toContain(
        'console.error.authorityEmail.invalid',
      )
    },
  )
})
