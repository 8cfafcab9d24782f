import type { EmailDefinition } from '../define.ts'
import { actionUpdate } from './action-update.tsx'
import { authorityLetter } from './authority-letter.tsx'
import { letterDigest } from './letter-digest.tsx'
import { letterTest } from './letter-test.tsx'
import { signatureThankYou } from './signature-thank-you.tsx'
import { followConfirmation } from './follow-confirmation.tsx'
import { myDataLink } from './my-data-link.tsx'
import { signatureAlreadyConfirmed } from './signature-already-confirmed.tsx'
import { signatureConfirmation } from './signature-confirmation.tsx'
import { staffInvitation } from './staff-invitation.tsx'
import { staffPasswordReset } from './staff-password-reset.tsx'

const all = [
  signatureConfirmation,
  signatureAlreadyConfirmed,
  followConfirmation,
  myDataLink,
  actionUpdate,
  authorityLetter,
  letterDigest,
  signatureThankYou,
  letterTest,
  staffPasswordReset,
  staffInvitation,
] as EmailDefinition[]

/** Every email the platform can send, by the name stored in an outbox row. */
export const emailTemplates: Record<string, EmailDefinition> = Object.fromEntries(
  all.map((template) => [template.name, template]),
)
