// Every email the platform sends to supporters.
export const emails = {
  'email.footer.why':
    'You are receiving this email because you took action with Vigil. Vigil never shares your address.',
  'email.footer.unsubscribe': 'Unsubscribe',
  'email.footer.staff': 'You are receiving this email because you have a staff account on Vigil.',
  'email.confirm.subject': 'Please confirm your signature: {{actionTitle}}',
  'email.confirm.greeting': 'Dear {{firstName}},',
  'email.confirm.body':
    'Thank you for standing with {{atRiskName}}. Your signature counts only once you confirm it, so that nobody can sign in your name.',
  'email.confirm.button': 'Confirm my signature',
  'email.confirm.expiry':
    'This link works for 7 days. If you did not sign, ignore this email and nothing will happen.',
  'email.already.subject': 'You have already signed: {{actionTitle}}',
  'email.already.greeting': 'Dear {{firstName}},',
  'email.already.body':
    'Someone, probably you, tried to sign the urgent action for {{atRiskName}} again with this address. Your signature was already counted, once, and nothing has changed.',
  'email.already.share': 'You can still help by sharing the action:',
  'email.follow.subject': 'Please confirm you want updates: {{actionTitle}}',
  'email.follow.body':
    'You asked to receive every update on the urgent action for {{atRiskName}}. Confirm, and we will email you when there is news.',
  'email.follow.button': 'Yes, send me updates',
  'email.follow.expiry':
    'This link works for 7 days. If you did not ask for this, ignore this email and nothing will happen.',
  'email.myData.subject': 'Your data on Vigil',
  'email.myData.body':
    'You asked to see the data Vigil holds about you. The link below shows it, lets you download it, and lets you erase it.',
  'email.myData.button': 'See my data',
  'email.myData.expiry':
    'This link works for 24 hours. If you did not ask for it, ignore this email: nobody can see your data without it.',
  'email.update.subject': '{{reference}} update {{sequence}}: {{title}}',
  'email.update.intro': 'News on the urgent action for {{atRiskName}}, which you follow:',
  'email.update.readMore': 'Read the update and the whole case',
  'email.letter.via': '{{name}} via Vigil',
  'email.letter.footer':
    'This letter was sent through Vigil on behalf of {{name}}, who signed the urgent action {{reference}}. Replies go to them directly.',
  'email.digest.subject_one': '{{reference}}: {{count}} letter about {{atRiskName}}',
  'email.digest.subject_other': '{{reference}}: {{count}} letters about {{atRiskName}}',
  'email.digest.greeting': '{{salutation}},',
  'email.digest.body_one':
    'Between {{from}} and {{to}}, {{count}} person wrote to you about {{atRiskName}} ({{actionTitle}}). Their letter is attached as a CSV file.',
  'email.digest.body_other':
    'Between {{from}} and {{to}}, {{count}} people wrote to you about {{atRiskName}} ({{actionTitle}}). Their letters are attached as a CSV file, one per row.',
  'email.digest.demands': 'They ask you to:',
  'email.thanks.subject': 'Thank you for acting for {{atRiskName}}',
  'email.thanks.greeting': 'Dear {{firstName}},',
  'email.thanks.body':
    'Your signature is confirmed and counted. This is the letter sent in your name to {{authorityName}}:',
  'email.thanks.share': 'Ask two friends to act too:',
} as const
