// English, the reference catalogue: every other language must have the same keys. Split by area
// so that each part of the site keeps its words together.
// Plurals use the suffixes of Intl.PluralRules: `_one`, `_other` (and `_zero`, `_few`, … where needed).
import { actionList } from './en/action-list.ts'
import { actionPage } from './en/action-page.ts'
import { adminAuth } from './en/admin-auth.ts'
import { adminConsole } from './en/admin-console.ts'
import { common } from './en/common.ts'
import { delivery } from './en/delivery.ts'
import { emails } from './en/emails.ts'
import { supporter } from './en/supporter.ts'

export const en = {
  ...common,
  ...actionList,
  ...actionPage,
  ...supporter,
  ...emails,
  ...adminAuth,
  ...adminConsole,
  ...delivery,
} as const

export type MessageKey = keyof typeof en
export type Catalogue = Record<MessageKey, string>
