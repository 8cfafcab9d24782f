// English, the reference catalogue: every other language must have the same keys.
// Plurals use the suffixes of Intl.PluralRules: `_one`, `_other` (and `_zero`, `_few`, … where needed).
export const en = {
  'site.name': 'Vigil',
  'site.tagline': 'Urgent actions for people at risk for defending human rights',
  'site.skipToContent': 'Skip to main content',
  'nav.home': 'Home',
  'home.title': 'Act now for people at risk',
  'home.intro':
    'Human rights defenders and prisoners of conscience are detained, threatened or disappeared for what they do peacefully. Each action below takes two minutes: sign, and a polite, firm letter goes to the official who can change the outcome.',
  'home.activeHeading': 'Urgent actions open now',
  'home.noActive': 'There are no open urgent actions right now.',
  'action.reference': 'Reference {{reference}}',
  'action.deadline': 'Act before {{date}}',
  'action.noDeadline': 'No deadline set',
  'action.paused': 'Paused at the request of the family or lawyers',
  'action.signatures_one': '{{count}} signature of {{goal}}',
  'action.signatures_other': '{{count}} signatures of {{goal}}',
  'action.progressLabel': 'Signatures towards the goal',
  'theme.arbitrary_detention': 'Arbitrary detention',
  'theme.torture_risk': 'Risk of torture',
  'theme.enforced_disappearance': 'Enforced disappearance',
  'theme.judicial_harassment': 'Judicial harassment',
  'theme.death_threats': 'Death threats',
  'theme.unfair_trial': 'Unfair trial',
  'theme.freedom_of_expression': 'Freedom of expression',
  'theme.land_and_environment': 'Land and environment',
  'theme.indigenous_rights': 'Indigenous rights',
  'theme.labour_rights': 'Labour rights',
  'theme.womens_rights': "Women's rights",
  'theme.lgbti_rights': 'LGBTI rights',
  'error.notFound.title': 'Page not found',
  'error.notFound.body': 'We could not find that page. It may have been moved or closed.',
  'error.generic.title': 'Something went wrong',
  'error.generic.body': 'Please try again in a moment. Nothing you saved has been lost.',
  'error.backHome': 'Back to the home page',
  'devMail.title': 'Development mailbox',
  'devMail.intro':
    'Every email the platform sends in development lands here instead of a real inbox.',
  'devMail.empty': 'No email has been sent yet.',
  'devMail.from': 'From',
  'devMail.to': 'To',
  'devMail.subject': 'Subject',
  'devMail.date': 'Received',
  'devMail.back': 'All messages',
  'devMail.plainText': 'Plain text',
  'devMail.html': 'HTML version',
  'devMail.headers': 'Headers',
  'email.footer.why':
    'You are receiving this email because you took action with Vigil. Vigil never shares your address.',
  'email.confirm.subject': 'Please confirm your signature: {{actionTitle}}',
  'email.confirm.greeting': 'Dear {{firstName}},',
  'email.confirm.body':
    'Thank you for standing with {{atRiskName}}. Your signature counts only once you confirm it, so that nobody can sign in your name.',
  'email.confirm.button': 'Confirm my signature',
  'email.confirm.expiry':
    'This link works for 7 days. If you did not sign, ignore this email and nothing will happen.',
} as const

export type MessageKey = keyof typeof en
export type Catalogue = Record<MessageKey, string>
