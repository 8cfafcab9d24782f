import type { EmailDefinition } from '../define.ts'
import { actionUpdate } from './action-update.tsx'
import { followConfirmation } from './follow-confirmation.tsx'
import { myDataLink } from './my-data-link.tsx'
import { signatureAlreadyConfirmed } from './signature-already-confirmed.tsx'
import { signatureConfirmation } from './signature-confirmation.tsx'

const all = [
  signatureConfirmation,
  signatureAlreadyConfirmed,
  followConfirmation,
  myDataLink,
  actionUpdate,
] as EmailDefinition[]

/** Every email the platform can send, by the name stored in an outbox row. */
export const emailTemplates: Record<string, EmailDefinition> = Object.fromEntries(
  all.map((template) => [template.name, template]),
)
