import type { EmailDefinition } from '../define.ts'
import { signatureConfirmation } from './signature-confirmation.tsx'

/** Every email the platform can send, by the name stored in an outbox row. */
export const emailTemplates = {
  [signatureConfirmation.name]: signatureConfirmation,
} as Record<string, EmailDefinition>

export type EmailTemplateName = typeof signatureConfirmation.name
