// Demo content for development and screenshots. Every person, group, organisation and official
// below is invented; any resemblance to real people is coincidental. Countries are real, but the
// cases are not. Email addresses use the reserved `.example` top-level domain (RFC 2606), so no
// demo letter can ever reach a real inbox.
import type { NewAction } from './schema.ts'

export type SeedAuthority = {
  role: 'target' | 'copy'
  name: string
  title: string
  salutation: string
  email: string | null
  postalAddress: string
  language: string
}

export type SeedUpdate = {
  title: string
  body: string
  outcome?: NonNullable<NewAction['outcome']>
  daysAfterLaunch: number
}

export type SeedAction = {
  action: Omit<
    NewAction,
    | 'id'
    | 'createdAt'
    | 'updatedAt'
    | 'createdById'
    | 'launchedAt'
    | 'closedAt'
    | 'reference'
    | 'referenceYear'
    | 'referenceNumber'
  >
  // days relative to "now" when the seed runs: negative = in the past
  launchedDaysAgo: number | null // null for a draft
  closedDaysAgo?: number // only for closed actions
  deadlineInDays: number // converted to a date at seed time (may be negative for closed ones)
  authorities: SeedAuthority[]
  letter: { subject: string; body: string }
  updates: SeedUpdate[]
  confirmedSignatures: number // how many demo confirmed signatures to create (keep 0..400)
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Joins Markdown paragraphs with a blank line between them. */
const paragraphs = (...parts: string[]): string => parts.join('\n\n')

const SIGN_OFF =
  'Yours sincerely,\n{{supporter.firstName}} {{supporter.lastName}}\n{{supporter.country}}'

export const seedActions: SeedAction[] = [
  // 1. Active: journalist, arbitrary detention.
  {
    action: {
      slug: 'free-amara-kessely',
      status: 'active',
      title: 'Journalist detained for reporting on floods',
      summary:
        'Amara Kessely, an independent journalist, has been held without charge since publishing reports on the diversion of flood relief supplies. She has not been allowed to see her lawyer.',
      atRiskKind: 'person',
      atRiskName: 'Amara Kessely',
      atRiskDescription:
        'Independent journalist and editor of The Delta Ledger, a small online newspaper covering communities in the Niger Delta.',
      country: 'NG',
      location: 'Port Harcourt, Rivers State',
      themes: ['arbitrary_detention', 'freedom_of_expression'],
      story: paragraphs(
        'Late in the evening, plain-clothes officers arrested **Amara Kessely** at her home in Port Harcourt and took her away without showing a warrant. They seized her laptop, her phone and a box of notebooks.',
        'Amara edits *The Delta Ledger*, a small online newspaper. In the weeks before her arrest she published a series of articles showing that relief supplies meant for families displaced by the floods had been diverted and resold at local markets.',
        'She is held at a police facility in the city. Officers have told her family that she is being investigated under cybercrime legislation, but no charge has been filed and she has not been brought before a judge. Her lawyer has been turned away twice.',
      ),
      background: paragraphs(
        'Journalists in the region who report on public spending, oil pollution or the response to flooding have repeatedly been arrested under broadly worded cybercrime provisions, which allow long periods of detention before any charge is brought.',
        'Seasonal floods displaced thousands of families in the state this year, and the management of relief funds has been the subject of wide public debate.',
      ),
      demands: [
        'Release Amara Kessely immediately and unconditionally, as she is detained solely for her journalism',
        'Until she is released, give her prompt and regular access to her lawyer, her family and any medical care she needs',
        'Return her seized equipment and stop using cybercrime laws to prosecute reporting on matters of public interest',
      ],
      signatureGoal: 5000,
      language: 'en',
      deliveryMode: 'individual',
    },
    launchedDaysAgo: 12,
    deadlineInDays: 30,
    authorities: [
      {
        role: 'target',
        name: 'Babatunde Oyelaran-Nwosu',
        title: 'Attorney General and Minister of Justice',
        salutation: 'Dear Attorney General',
        email: 'attorney.general@justice.ng.example',
        postalAddress: 'Federal Ministry of Justice\nPMB 1000\nAbuja\nNigeria',
        language: 'en',
      },
      {
        role: 'target',
        name: 'Ibrahim Danjuma Kalu',
        title: 'Commissioner of Police, Rivers State Command',
        salutation: 'Dear Commissioner',
        email: 'commissioner@rivers.police.ng.example',
        postalAddress:
          'Rivers State Police Command\nPMB 5000\nPort Harcourt\nRivers State\nNigeria',
        language: 'en',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Federal Republic of Nigeria',
        salutation: 'Your Excellency',
        email: 'info@embassy-nigeria.example',
        postalAddress:
          'Embassy of the Federal Republic of Nigeria\n(use the address of the embassy in your country)',
        language: 'en',
      },
    ],
    letter: {
      subject: 'Release journalist Amara Kessely',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing to express my deep concern about the journalist Amara Kessely, who was arrested at her home in Port Harcourt and has been held without charge ever since. Her laptop and phone were seized, and her lawyer has twice been refused access to her.',
        'Amara Kessely is the editor of The Delta Ledger. Her recent articles examined how relief supplies for families displaced by the floods were distributed. Reporting on the use of public resources is a legitimate and valuable activity, protected by the Constitution and by the international human rights treaties your country has ratified.',
        'I therefore urge you to release Amara Kessely immediately and unconditionally. Until she is released, please ensure that she has prompt and regular access to her lawyer, her family and any medical care she needs. I also ask you to return her equipment and to ensure that cybercrime laws are not used to punish journalists for their work.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Amara Kessely moved to the state detention centre',
        body: paragraphs(
          'Amara has been transferred from the police facility to the state detention centre. Her lawyer was finally allowed to see her, for twenty minutes and in the presence of a guard.',
          'She is in good spirits but has a chest infection and has not yet received medication. There is still no charge against her. Please keep writing: the authorities are clearly paying attention.',
        ),
        daysAfterLaunch: 6,
      },
    ],
    confirmedSignatures: 312,
  },

  // 2. Active: lawyer, risk of torture.
  {
    action: {
      slug: 'protect-lawyer-nurlan-oskembayev',
      status: 'active',
      title: 'Lawyer held incommunicado and at risk of torture',
      summary:
        'Human rights lawyer Nurlan Oskembayev was detained days after filing torture complaints on behalf of his clients. He is held without access to his family or a lawyer of his choice, and there are reports that he has been beaten.',
      atRiskKind: 'person',
      atRiskName: 'Nurlan Oskembayev',
      atRiskDescription:
        'Human rights lawyer who represents people alleging torture and ill-treatment in pre-trial detention.',
      country: 'KZ',
      location: 'Karaganda region',
      themes: ['torture_risk', 'arbitrary_detention'],
      story: paragraphs(
        '**Nurlan Oskembayev** was detained outside his office by officers who said they were taking him for “a conversation”. He has not been seen since by his family or by any lawyer he has chosen.',
        'Three days earlier, Nurlan had filed formal complaints on behalf of four clients who say they were beaten and threatened during interrogation at the same detention facility where he is now held.',
        'A former detainee released this week told Nurlan’s wife that he saw Nurlan being led back to his cell limping, with bruises on his face. The authorities say he is suspected of “knowingly making a false report”.',
      ),
      background: paragraphs(
        'Lawyers who take on torture cases are among the few people able to bring evidence of abuse in custody before a court. When they are themselves detained, their clients lose their main protection and other lawyers become reluctant to take similar cases.',
      ),
      demands: [
        'Ensure that Nurlan Oskembayev is not tortured or otherwise ill-treated, and arrange an independent medical examination',
        'Give him immediate access to a lawyer of his choice and to his family',
        'Release him immediately and unconditionally, as he is detained solely for his legitimate work as a lawyer',
        'Open a prompt and impartial investigation into the reports that he was beaten in custody',
      ],
      signatureGoal: 3000,
      language: 'en',
      deliveryMode: 'individual',
    },
    launchedDaysAgo: 4,
    deadlineInDays: 38,
    authorities: [
      {
        role: 'target',
        name: 'Serik Tulegenov',
        title: 'Prosecutor General',
        salutation: 'Dear Prosecutor General',
        email: 'reception@prosecutor.kz.example',
        postalAddress: 'Office of the Prosecutor General\nPO Box 75\nAstana\nKazakhstan',
        language: 'ru',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Republic of Kazakhstan',
        salutation: 'Your Excellency',
        email: 'consular@embassy-kazakhstan.example',
        postalAddress:
          'Embassy of the Republic of Kazakhstan\n(use the address of the embassy in your country)',
        language: 'en',
      },
    ],
    letter: {
      subject: 'Protect lawyer Nurlan Oskembayev from torture',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am gravely concerned for the safety of the lawyer Nurlan Oskembayev, who was detained outside his office and has since been held without access to his family or to a lawyer of his choice. A person released from the same facility reports having seen him injured.',
        'Nurlan Oskembayev was detained only days after he filed complaints on behalf of clients who say they were ill-treated during interrogation. Lawyers must be able to carry out their professional duties without intimidation or reprisals.',
        'I urge you to ensure that Nurlan Oskembayev is not tortured or otherwise ill-treated and that he is examined without delay by an independent doctor. Please give him immediate access to a lawyer of his choice and to his family, and release him immediately and unconditionally, since he is detained solely for his legitimate work. I also ask you to order a prompt and impartial investigation into the reports that he was beaten.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [],
    confirmedSignatures: 146,
  },

  // 3. Active but paused at the family's request: student, enforced disappearance.
  {
    action: {
      slug: 'where-is-haris-lodhi',
      status: 'active',
      title: 'Student leader missing since campus protest',
      summary:
        'Haris Qamar Lodhi, a student union leader, was taken by unidentified men after a peaceful protest on his campus. The authorities deny holding him, and his family does not know where he is.',
      atRiskKind: 'person',
      atRiskName: 'Haris Qamar Lodhi',
      atRiskDescription:
        'Final-year engineering student and elected president of his university’s student union.',
      country: 'PK',
      location: 'Multan, Punjab',
      themes: ['enforced_disappearance', 'freedom_of_expression'],
      story: paragraphs(
        'Two hours after a peaceful sit-in against fee increases ended, **Haris Qamar Lodhi** was stopped at a checkpoint near the university gate. Witnesses saw four men in plain clothes push him into an unmarked vehicle.',
        'His father went to three police stations the same night. Each one said it had no record of Haris. A petition filed by the family asking the court to order the authorities to produce him has been adjourned twice.',
        'Haris has no known health problems, but his family fears for his safety every day that his whereabouts remain unknown.',
      ),
      background: paragraphs(
        'Enforced disappearance — detention by agents of the state followed by a refusal to acknowledge it — places a person outside the protection of the law and at high risk of torture. Student organisers who lead protests have been among those targeted.',
      ),
      demands: [
        'Disclose the fate and whereabouts of Haris Qamar Lodhi immediately',
        'If he is in state custody, release him unless he is promptly charged with a recognisable criminal offence and brought before a court',
        'Ensure that he is protected from torture and other ill-treatment and can contact his family and a lawyer',
      ],
      signatureGoal: 4000,
      language: 'en',
      deliveryMode: 'individual',
      pausedAt: new Date(Date.now() - 3 * DAY_MS),
      pausedReason: 'The family has asked us to pause public action while negotiations continue.',
    },
    launchedDaysAgo: 20,
    deadlineInDays: 25,
    authorities: [
      {
        role: 'target',
        name: 'Saleem Akhtar Jandran',
        title: 'Minister of Interior',
        salutation: 'Dear Minister',
        email: 'minister@interior.pk.example',
        postalAddress: 'Ministry of Interior\nPO Box 1100\nIslamabad\nPakistan',
        language: 'en',
      },
      {
        role: 'target',
        name: 'Asad Rafiq Bhandara',
        title: 'Inspector General of Police, Punjab',
        salutation: 'Dear Inspector General',
        email: 'igp@police.punjab.pk.example',
        postalAddress: 'Central Police Office\nPO Box 200\nLahore\nPakistan',
        language: 'en',
      },
      {
        role: 'copy',
        name: 'The High Commissioner',
        title: 'High Commissioner of the Islamic Republic of Pakistan',
        salutation: 'Your Excellency',
        email: null,
        postalAddress:
          'High Commission / Embassy of Pakistan\n(use the address of the mission in your country)',
        language: 'en',
      },
    ],
    letter: {
      subject: 'Where is Haris Qamar Lodhi?',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing about Haris Qamar Lodhi, a student union president who was taken by men in plain clothes near his university shortly after a peaceful protest. Since then, the police have denied holding him and his family has received no information about where he is.',
        'Peaceful protest is a right, and students who organise it should never be made to disappear. Every day that Haris remains outside the protection of the law, he is at serious risk of torture and other ill-treatment.',
        'I call on you to disclose the fate and whereabouts of Haris Qamar Lodhi immediately. If he is in the custody of any state agency, please ensure that he is released unless he is promptly charged with a recognisable criminal offence and brought before a court. Meanwhile, he must be protected from ill-treatment and allowed to contact his family and a lawyer of his choice.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Action paused at the family’s request',
        body: paragraphs(
          'Haris’s family has asked us to pause all public action on his case while negotiations continue. We have stopped collecting signatures and sending letters.',
          'Please do not share this action or write to the authorities until we post a further update. We will let you know as soon as it is safe to resume.',
        ),
        daysAfterLaunch: 17,
      },
    ],
    confirmedSignatures: 268,
  },

  // 4. Active, digest delivery: land and environment defender, death threats.
  {
    action: {
      slug: 'protect-marisol-ucles',
      status: 'active',
      title: 'River defender receives death threats',
      summary:
        'Marisol Ucles, who leads a community campaign against a hydroelectric dam on the Río Verdecillo, has received repeated death threats. Armed men have been seen watching her house.',
      atRiskKind: 'person',
      atRiskName: 'Marisol Ucles Barahona',
      atRiskDescription:
        'Land and environment defender, coordinator of a network of rural communities that depend on the Río Verdecillo for water and farming.',
      country: 'HN',
      location: 'Yoro department',
      themes: ['death_threats', 'land_and_environment'],
      story: paragraphs(
        '**Marisol Ucles Barahona** coordinates eleven villages opposing the construction of a dam that would flood their farmland and cut their water supply. The communities say they were never consulted.',
        'In the past month Marisol has received three anonymous text messages warning that she will “end up in the river” if she keeps “getting in the way of progress”. Twice, armed men on motorbikes have parked outside her house at night.',
        'Marisol reported the threats to the public prosecutor’s office, but she has not been contacted by investigators and has received no protection.',
      ),
      background: paragraphs(
        'Land and environmental defenders are the defenders most often killed worldwide, and threats like these are often the first warning. Protection that works is agreed with the person at risk and their community, and is accompanied by a real investigation.',
      ),
      demands: [
        'Provide Marisol Ucles Barahona with effective protection measures agreed with her and her community',
        'Carry out a prompt, thorough and impartial investigation into the threats and bring those responsible to justice',
        'Ensure that the communities of the Río Verdecillo valley can take part in decisions about the dam without intimidation',
      ],
      signatureGoal: 20000,
      language: 'en',
      deliveryMode: 'digest',
      digestPeriod: 'daily',
    },
    launchedDaysAgo: 9,
    deadlineInDays: 45,
    authorities: [
      {
        role: 'target',
        name: 'Rigoberto Amaya Funes',
        title: 'Attorney General',
        salutation: 'Dear Attorney General',
        email: 'fiscal.general@mp.hn.example',
        postalAddress: 'Public Prosecutor’s Office\nApartado Postal 300\nTegucigalpa\nHonduras',
        language: 'es',
      },
      {
        role: 'target',
        name: 'Lorena Villeda Castellanos',
        title: 'Minister of Human Rights',
        salutation: 'Dear Minister',
        email: 'ministra@derechoshumanos.hn.example',
        postalAddress: 'Ministry of Human Rights\nApartado Postal 410\nTegucigalpa\nHonduras',
        language: 'es',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Republic of Honduras',
        salutation: 'Your Excellency',
        email: 'embajada@embassy-honduras.example',
        postalAddress:
          'Embassy of the Republic of Honduras\n(use the address of the embassy in your country)',
        language: 'es',
      },
    ],
    letter: {
      subject: 'Protect Marisol Ucles Barahona',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing to ask for urgent protection for Marisol Ucles Barahona, who coordinates the communities of the Río Verdecillo valley in their peaceful opposition to a planned dam. In recent weeks she has received anonymous messages threatening her life, and armed men have been seen outside her home at night.',
        'Marisol reported these threats to the public prosecutor’s office, yet she has not been contacted by investigators and has no protection. Defenders of land and water face grave danger, and threats of this kind must be taken seriously.',
        'I urge you to provide Marisol Ucles Barahona with effective protection measures, agreed with her and her community. Please carry out a prompt, thorough and impartial investigation into the threats, and bring those responsible to justice. I also ask you to ensure that the communities can take part in decisions about the dam without fear.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Protection mechanism opens a file',
        body: paragraphs(
          'The national protection mechanism has opened a file on Marisol’s case and says a risk assessment will follow. This is a first step, but no protection is in place yet and the threats have not stopped.',
          'Letters are going to the authorities once a day as a single digest, so they arrive together and cannot be dismissed as spam. Please keep signing and sharing.',
        ),
        daysAfterLaunch: 5,
      },
    ],
    confirmedSignatures: 395,
  },

  // 5. Active: Indigenous leader, death threats.
  {
    action: {
      slug: 'protect-iracema-tupawe',
      status: 'active',
      title: 'Indigenous leader threatened over land demarcation',
      summary:
        'Iracema Tupãwé, a leader of the Ywyrapé people, has been threatened after her community reoccupied part of its ancestral land. A relative was shot at on the road to the village.',
      atRiskKind: 'person',
      atRiskName: 'Iracema Tupãwé',
      atRiskDescription:
        'Indigenous leader and teacher, spokesperson for the Ywyrapé communities in their claim for the demarcation of their ancestral territory.',
      country: 'BR',
      location: 'Mato Grosso do Sul',
      themes: ['death_threats', 'indigenous_rights', 'land_and_environment'],
      story: paragraphs(
        'For more than a decade, **Iracema Tupãwé** has led her people’s claim to have their ancestral territory officially demarcated. The process has been stalled for years while cattle ranches expand onto the land.',
        'After about forty families returned to a part of the territory, Iracema was told by a stranger at the market that “the next funeral will be yours”. Two days later, shots were fired at her nephew’s motorbike on the road to the village. He was not hurt.',
        'The community has asked the federal police for protection, but no officers have been sent.',
      ),
      background: paragraphs(
        'Conflicts over land are the main source of violence against Indigenous peoples in the region. Delays in demarcating territories leave communities exposed, and attacks on their leaders rarely lead to prosecutions.',
      ),
      demands: [
        'Take immediate measures to protect Iracema Tupãwé and her community, in consultation with them',
        'Investigate the threats and the shooting promptly and impartially, and bring those responsible to justice',
        'Complete the demarcation of the Ywyrapé ancestral territory without further delay',
      ],
      signatureGoal: 2500,
      language: 'en',
      deliveryMode: 'individual',
    },
    launchedDaysAgo: 2,
    deadlineInDays: 44,
    authorities: [
      {
        role: 'target',
        name: 'Paulo Henrique Valadares',
        title: 'Minister of Justice and Public Security',
        salutation: 'Dear Minister',
        email: 'gabinete@justica.br.example',
        postalAddress:
          'Ministry of Justice and Public Security\nCaixa Postal 5500\nBrasília – DF\nBrazil',
        language: 'pt',
      },
      {
        role: 'target',
        name: 'Helena Matos Ferraz',
        title: 'Minister of Indigenous Peoples',
        salutation: 'Dear Minister',
        email: 'gabinete@povosindigenas.br.example',
        postalAddress: 'Ministry of Indigenous Peoples\nCaixa Postal 7700\nBrasília – DF\nBrazil',
        language: 'pt',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Federative Republic of Brazil',
        salutation: 'Your Excellency',
        email: 'info@embassy-brazil.example',
        postalAddress:
          'Embassy of the Federative Republic of Brazil\n(use the address of the embassy in your country)',
        language: 'pt',
      },
    ],
    letter: {
      subject: 'Protect Iracema Tupãwé and the Ywyrapé community',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing out of concern for Iracema Tupãwé, a leader of the Ywyrapé people, and for her community. After families returned to part of their ancestral territory, Iracema received a death threat, and shots were fired at a relative on the road to the village.',
        'The community has asked for protection, but none has been provided. Indigenous peoples have the right to their lands and to defend them peacefully without being threatened or attacked.',
        'I urge you to take immediate measures to protect Iracema Tupãwé and her community, in consultation with them. Please ensure that the threats and the shooting are investigated promptly and impartially, and that those responsible are brought to justice. Finally, I ask you to complete the demarcation of the Ywyrapé ancestral territory without further delay, as this is the lasting way to end the violence.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [],
    confirmedSignatures: 58,
  },

  // 6. Closed, charges dropped, hand delivery: a union committee (group), judicial harassment.
  {
    action: {
      slug: 'drop-charges-golden-loom-union',
      status: 'closed',
      title: 'Union leaders charged after garment factory strike',
      summary:
        'Seven elected union representatives at the Golden Loom garment factory face criminal charges of “incitement” after leading a peaceful strike over unpaid wages.',
      atRiskKind: 'group',
      atRiskName: 'Golden Loom union committee',
      atRiskDescription:
        'Seven elected representatives of the workers’ union at a garment factory employing about 2,000 people, most of them women.',
      country: 'KH',
      location: 'Kandal province',
      themes: ['judicial_harassment', 'labour_rights'],
      story: paragraphs(
        'When the Golden Loom factory fell three months behind on wages, the union committee organised a four-day strike. It was peaceful, and it ended when management promised to pay.',
        'A week later, the factory owner filed a criminal complaint, and the **seven committee members** were summoned by the investigating judge and charged with “incitement to commit a felony”. If convicted, they face up to two years in prison.',
        'Five of the seven have since been suspended from work without pay. The committee believes the charges are meant to break the union.',
      ),
      background: paragraphs(
        'Criminal complaints against union leaders after industrial disputes are a familiar way of silencing workers. Even when the charges are eventually dropped, the months of uncertainty deter others from organising.',
      ),
      demands: [
        'Drop the charges against the seven members of the Golden Loom union committee',
        'Ensure that they are reinstated with back pay and can carry out union activities without reprisals',
        'Guarantee that workers are paid their outstanding wages in full',
      ],
      signatureGoal: 6000,
      language: 'en',
      deliveryMode: 'hand',
      outcome: 'charges_dropped',
      outcomeNote:
        'At the prosecutor’s request, the court dismissed all charges against the seven committee members. All of them are back at work and have received their back pay.',
    },
    launchedDaysAgo: 90,
    closedDaysAgo: 20,
    deadlineInDays: -25,
    authorities: [
      {
        role: 'target',
        name: 'Heng Visothy',
        title: 'Minister of Justice',
        salutation: 'Dear Minister',
        email: 'minister@justice.kh.example',
        postalAddress: 'Ministry of Justice\nPO Box 240\nPhnom Penh\nCambodia',
        language: 'km',
      },
      {
        role: 'target',
        name: 'Meas Sopheavy',
        title: 'Minister of Labour and Vocational Training',
        salutation: 'Dear Minister',
        email: 'minister@labour.kh.example',
        postalAddress:
          'Ministry of Labour and Vocational Training\nPO Box 310\nPhnom Penh\nCambodia',
        language: 'km',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Kingdom of Cambodia',
        salutation: 'Your Excellency',
        email: 'info@embassy-cambodia.example',
        postalAddress:
          'Royal Embassy of Cambodia\n(use the address of the embassy in your country)',
        language: 'en',
      },
    ],
    letter: {
      subject: 'Drop the charges against the Golden Loom union committee',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing about the seven elected members of the union committee at the Golden Loom garment factory in Kandal province. After they led a peaceful strike over three months of unpaid wages, they were charged with “incitement to commit a felony” and now face up to two years in prison.',
        'Organising a peaceful strike is a legitimate exercise of the rights to freedom of association and peaceful assembly. Prosecuting union representatives for doing so discourages all workers from defending their rights.',
        'I respectfully urge you to ensure that the charges against the seven committee members are dropped. Please also make sure that they are reinstated with back pay and can carry out their union activities without reprisals, and that all workers at the factory receive their outstanding wages in full.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Signatures handed over at the Ministry of Justice',
        body: paragraphs(
          'Members of the committee and our partners delivered the printed list of signatures and your letters to the Ministry of Justice this morning. An official received them and promised to pass them to the Minister.',
          'Thank you to everyone who signed. The first court hearing is expected next month.',
        ),
        daysAfterLaunch: 30,
      },
      {
        title: 'Hearing postponed; two members reinstated',
        body: paragraphs(
          'The hearing was postponed at the last minute. In the meantime, the factory has reinstated two of the five suspended committee members.',
          'The charges still stand, so the action remains open.',
        ),
        daysAfterLaunch: 52,
      },
      {
        title: 'Charges dropped against all seven',
        body: paragraphs(
          'Good news: at the prosecutor’s request, the court has dismissed all charges against the seven members of the Golden Loom union committee. All of them are back at work and have received their back pay.',
          '“We were not alone for one day,” the committee told us. “Please thank everyone who wrote.” No further action is needed, and this action is now closed.',
        ),
        outcome: 'charges_dropped',
        daysAfterLaunch: 70,
      },
    ],
    confirmedSignatures: 377,
  },

  // 7. Closed, released: women's rights activist.
  {
    action: {
      slug: 'free-salma-ben-rhouma',
      status: 'closed',
      title: 'Women’s rights activist detained after march',
      summary:
        'Salma Ben Rhouma, a women’s rights activist, was arrested after a peaceful march against gender-based violence and accused of “insulting a public official”.',
      atRiskKind: 'person',
      atRiskName: 'Salma Ben Rhouma',
      atRiskDescription:
        'Women’s rights activist and co-founder of a local association that supports survivors of domestic violence.',
      country: 'TN',
      location: 'Sfax',
      themes: ['arbitrary_detention', 'womens_rights', 'freedom_of_expression'],
      story: paragraphs(
        '**Salma Ben Rhouma** helped organise a march of several hundred people calling for better protection for survivors of domestic violence. At the end of the march, she spoke to the crowd about a recent case that police had failed to investigate.',
        'That evening, officers arrested her at a café and took her to a police station. The next day, the prosecutor accused her of “insulting a public official” over her speech, and an investigating judge ordered her detention.',
        'Salma has no lawyer of her own yet and is held in a crowded women’s prison far from her home.',
      ),
      background: paragraphs(
        'Women’s rights organisations in the country have documented many cases of domestic violence that were not investigated. Activists who criticise the police response have increasingly faced prosecution under laws on insulting officials.',
      ),
      demands: [
        'Release Salma Ben Rhouma immediately and unconditionally and drop the charge against her',
        'Ensure that she has access to a lawyer of her choice and to her family while she is detained',
        'Respect the right to peaceful protest and the work of women’s rights defenders',
      ],
      signatureGoal: 8000,
      language: 'en',
      deliveryMode: 'individual',
      outcome: 'released',
      outcomeNote:
        'Salma Ben Rhouma was released after 48 days in detention when the investigating judge closed the case. She is back with her family and has returned to her work with the association.',
    },
    launchedDaysAgo: 60,
    closedDaysAgo: 10,
    deadlineInDays: -12,
    authorities: [
      {
        role: 'target',
        name: 'Leila Haddad-Mrabet',
        title: 'Minister of Justice',
        salutation: 'Dear Minister',
        email: 'ministre@justice.tn.example',
        postalAddress: 'Ministry of Justice\nBP 150\nTunis\nTunisia',
        language: 'fr',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Republic of Tunisia',
        salutation: 'Your Excellency',
        email: 'ambassade@embassy-tunisia.example',
        postalAddress:
          'Embassy of the Republic of Tunisia\n(use the address of the embassy in your country)',
        language: 'fr',
      },
    ],
    letter: {
      subject: 'Release women’s rights activist Salma Ben Rhouma',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing to ask for the release of Salma Ben Rhouma, a women’s rights activist who was arrested after a peaceful march against gender-based violence. She has been accused of “insulting a public official” because of a speech in which she criticised the police response to a case of domestic violence.',
        'Speaking out about the protection of women is not a crime. Salma Ben Rhouma has been detained solely for peacefully exercising her right to freedom of expression, and her detention sends a chilling message to all who support survivors of violence.',
        'I urge you to release Salma Ben Rhouma immediately and unconditionally and to ensure that the charge against her is dropped. While she is detained, please make sure that she has access to a lawyer of her choice and to her family.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Detention extended by the investigating judge',
        body: paragraphs(
          'The investigating judge has extended Salma’s detention for a further period. A lawyer from a national bar association committee has now taken on her case and visited her twice.',
          'Salma asked her lawyer to tell supporters that their letters “make the walls thinner”. Please keep writing.',
        ),
        daysAfterLaunch: 14,
      },
      {
        title: 'Salma Ben Rhouma is free',
        body: paragraphs(
          'Salma Ben Rhouma was released yesterday after 48 days in detention, when the investigating judge closed the case against her.',
          'She is back with her family and has asked us to thank everyone who wrote: “I knew every day that I was not forgotten.” No further action is needed.',
        ),
        outcome: 'released',
        daysAfterLaunch: 50,
      },
    ],
    confirmedSignatures: 289,
  },

  // 8. Active: LGBTI activist, unfair trial.
  {
    action: {
      slug: 'fair-trial-for-elikem-akorli',
      status: 'active',
      title: 'LGBTI activist faces unfair trial',
      summary:
        'Elikem Akorli, who runs a helpline for LGBTI people, is on trial for “unlawful assembly” after police raided a health workshop. The court has refused to let the defence call its main witnesses.',
      atRiskKind: 'person',
      atRiskName: 'Elikem Akorli',
      atRiskDescription:
        'LGBTI rights activist and coordinator of a confidential health and support helpline.',
      country: 'GH',
      location: 'Accra',
      themes: ['unfair_trial', 'judicial_harassment', 'lgbti_rights'],
      story: paragraphs(
        '**Elikem Akorli** was running a sexual health workshop for twenty participants in a rented hall when police arrived, ordered everyone out and arrested Elikem as the organiser.',
        'Elikem is now on trial for “unlawful assembly”. At the last hearing, the court refused to hear the two health workers who co-led the workshop and could confirm its purpose, and it has not allowed the defence to see the police report of the raid.',
        'Photographs of Elikem taken during the arrest have circulated on social media with their home address, and Elikem has received abusive messages.',
      ),
      background: paragraphs(
        'LGBTI activists often face prosecution under general public-order laws rather than laws that name them directly. The right to a fair trial includes the right to call and examine witnesses and to see the evidence used by the prosecution.',
      ),
      demands: [
        'Drop the charge against Elikem Akorli, which stems solely from peaceful health work',
        'If the trial continues, guarantee full fair-trial rights, including the right to call witnesses and to see the evidence',
        'Protect Elikem from threats and investigate the publication of their home address',
      ],
      signatureGoal: 2000,
      language: 'en',
      deliveryMode: 'individual',
      throttlePerHour: 30,
    },
    launchedDaysAgo: 15,
    deadlineInDays: 20,
    authorities: [
      {
        role: 'target',
        name: 'Kwesi Appiah-Mensahene',
        title: 'Attorney General and Minister for Justice',
        salutation: 'Dear Attorney General',
        email: 'ag@justice.gh.example',
        postalAddress: 'Office of the Attorney General\nPO Box MB 60\nAccra\nGhana',
        language: 'en',
      },
      {
        role: 'copy',
        name: 'The High Commissioner',
        title: 'High Commissioner of the Republic of Ghana',
        salutation: 'Your Excellency',
        email: 'info@mission-ghana.example',
        postalAddress:
          'High Commission / Embassy of Ghana\n(use the address of the mission in your country)',
        language: 'en',
      },
    ],
    letter: {
      subject: 'A fair trial for Elikem Akorli',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing about Elikem Akorli, the coordinator of a health and support helpline, who is on trial for “unlawful assembly” after police broke up a sexual health workshop that Elikem was running in a rented hall.',
        'I am concerned that the court has refused to hear the defence’s main witnesses and that the defence has not been allowed to see the police report of the raid. These are basic guarantees of a fair trial. I am also worried by the publication of Elikem’s home address online, followed by abusive messages.',
        'I respectfully ask you to ensure that the charge against Elikem Akorli, which stems solely from peaceful health work, is dropped. If the trial continues, please guarantee full fair-trial rights, including the right to call witnesses and to examine the evidence. I also ask that Elikem be protected and that the publication of their address be investigated.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Trial adjourned for three weeks',
        body: paragraphs(
          'The trial was adjourned after the prosecution said it needed more time to prepare. Elikem remains free on bail but must report to a police station every week.',
          'The next hearing is just before the deadline of this action. Please sign now if you have not yet done so.',
        ),
        daysAfterLaunch: 8,
      },
    ],
    confirmedSignatures: 221,
  },

  // 9. Draft: trade unionist, death threats.
  {
    action: {
      slug: 'protect-jairo-benavides',
      status: 'draft',
      title: 'Port union leader threatened after strike',
      summary:
        'Jairo Benavides Quintero, general secretary of a dockworkers’ union, has received death threats since leading a strike for safer working conditions at the port.',
      atRiskKind: 'person',
      atRiskName: 'Jairo Benavides Quintero',
      atRiskDescription:
        'Trade unionist, general secretary of a local dockworkers’ union representing about 600 port workers.',
      country: 'CO',
      location: 'Valle del Cauca',
      themes: ['death_threats', 'labour_rights'],
      story: paragraphs(
        '**Jairo Benavides Quintero** led a ten-day strike after two dockworkers were killed in accidents that the union says were caused by broken lifting equipment.',
        'Since the strike ended, a pamphlet signed by an unknown armed group has been left at the union office, naming Jairo and two other union officers as “military targets”. Jairo has also been followed home twice.',
        'The union has asked for the protection measures Jairo had in the past to be restored. They were withdrawn last year.',
      ),
      background: paragraphs(
        'Trade unionists have long been among the defenders most at risk in the country. Protection schemes exist, but measures are often withdrawn or delayed, and threats are rarely investigated.',
      ),
      demands: [
        'Restore effective protection measures for Jairo Benavides Quintero, agreed with him and his union',
        'Investigate the threats against him and the other union officers, and bring those responsible to justice',
        'Publicly recognise the legitimate work of trade unionists and condemn the threats',
      ],
      signatureGoal: 3000,
      language: 'en',
      deliveryMode: 'individual',
    },
    launchedDaysAgo: null,
    deadlineInDays: 30,
    authorities: [
      {
        role: 'target',
        name: 'Andrés Felipe Rengifo Lozano',
        title: 'Minister of the Interior',
        salutation: 'Dear Minister',
        email: 'ministro@mininterior.co.example',
        postalAddress: 'Ministry of the Interior\nApartado Aéreo 1200\nBogotá\nColombia',
        language: 'es',
      },
      {
        role: 'target',
        name: 'Gloria Inés Carvajal Mena',
        title: 'Director of the National Protection Unit',
        salutation: 'Dear Director',
        email: 'direccion@proteccion.co.example',
        postalAddress: 'National Protection Unit\nApartado Aéreo 3400\nBogotá\nColombia',
        language: 'es',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Republic of Colombia',
        salutation: 'Your Excellency',
        email: 'embajada@embassy-colombia.example',
        postalAddress:
          'Embassy of the Republic of Colombia\n(use the address of the embassy in your country)',
        language: 'es',
      },
    ],
    letter: {
      subject: 'Protect trade unionist Jairo Benavides Quintero',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing to ask for urgent protection for Jairo Benavides Quintero, general secretary of a dockworkers’ union, and for two other union officers. Since they led a strike for safer working conditions at the port, a pamphlet naming them as “military targets” has been left at the union office, and Jairo has been followed home.',
        'Jairo previously benefited from protection measures, but these were withdrawn last year. Given the grave risks that trade unionists face, these threats require an immediate response.',
        'I urge you to restore effective protection measures for Jairo Benavides Quintero, agreed with him and his union. Please ensure that the threats against him and his colleagues are investigated promptly and impartially, and that those responsible are brought to justice. I also ask you to publicly recognise the legitimate work of trade unionists.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [],
    confirmedSignatures: 0,
  },

  // 10. Closed, sentenced: doctor who documented injuries, unfair trial.
  {
    action: {
      slug: 'justice-for-alesia-hrynkevich',
      status: 'closed',
      title: 'Doctor tried behind closed doors for documenting injuries',
      summary:
        'Alesia Hrynkevich, a doctor who recorded the injuries of people released from police custody, was charged with “disseminating false information” and tried behind closed doors.',
      atRiskKind: 'person',
      atRiskName: 'Alesia Hrynkevich',
      atRiskDescription:
        'General practitioner at a district clinic who documented injuries of patients released from police custody.',
      country: 'BY',
      location: 'Hrodna region',
      themes: ['unfair_trial', 'arbitrary_detention', 'freedom_of_expression'],
      story: paragraphs(
        'Over several weeks, **Alesia Hrynkevich** examined more than thirty patients who came to her clinic with bruises and fractures after being held by police. With their consent, she recorded their injuries and shared anonymised statistics with a medical association.',
        'She was arrested at the clinic and charged with “disseminating knowingly false information”. The authorities announced that her trial would be closed to the public, including to her family.',
        'During the investigation, her lawyer was removed from the case and replaced by a state-appointed lawyer whom Alesia had never met.',
      ),
      background: paragraphs(
        'Health workers who document ill-treatment provide some of the most reliable evidence of abuse in custody. Medical ethics require them to record injuries accurately; prosecuting them for doing so undermines both patient care and accountability.',
      ),
      demands: [
        'Release Alesia Hrynkevich immediately and unconditionally and quash her conviction',
        'Allow her to be represented by a lawyer of her choice and guarantee her family’s access to her',
        'Investigate the injuries she documented instead of prosecuting the doctor who recorded them',
      ],
      signatureGoal: 10000,
      language: 'en',
      deliveryMode: 'individual',
      outcome: 'sentenced',
      outcomeNote:
        'Alesia Hrynkevich was sentenced to three years in a penal colony after a closed trial. Her lawyers have appealed. We are closing this action but continue to follow her case, and a new action will follow if her situation changes.',
    },
    launchedDaysAgo: 120,
    closedDaysAgo: 35,
    deadlineInDays: -40,
    authorities: [
      {
        role: 'target',
        name: 'Viktar Lahvinets',
        title: 'Prosecutor General',
        salutation: 'Dear Prosecutor General',
        email: 'office@prosecutor.by.example',
        postalAddress: 'Office of the Prosecutor General\nPO Box 90\nMinsk\nBelarus',
        language: 'ru',
      },
      {
        role: 'copy',
        name: 'The Ambassador',
        title: 'Ambassador of the Republic of Belarus',
        salutation: 'Your Excellency',
        email: null,
        postalAddress:
          'Embassy of the Republic of Belarus\n(use the address of the embassy in your country)',
        language: 'en',
      },
    ],
    letter: {
      subject: 'Release Dr Alesia Hrynkevich',
      body: paragraphs(
        '{{authority.salutation}},',
        'I am writing about Alesia Hrynkevich, a doctor at a district clinic who is being prosecuted for “disseminating knowingly false information” after she recorded the injuries of patients released from police custody and shared anonymised statistics with a medical association.',
        'Recording injuries accurately is a doctor’s professional and ethical duty. I am also concerned that her trial is to be held behind closed doors and that her chosen lawyer has been removed from the case. These measures are incompatible with the right to a fair and public hearing.',
        'I urge you to release Alesia Hrynkevich immediately and unconditionally and to drop the charge against her. Please allow her to be represented by a lawyer of her choice, guarantee her family’s access to her, and ensure that the injuries she documented are investigated independently.',
        '{{supporter.message}}',
        SIGN_OFF,
      ),
    },
    updates: [
      {
        title: 'Trial to be held behind closed doors',
        body: paragraphs(
          'The court has confirmed that Alesia’s trial will be closed to the public, including her family and foreign diplomats who asked to observe it.',
          'Please keep writing, and ask for the trial to be opened to observers.',
        ),
        daysAfterLaunch: 20,
      },
      {
        title: 'Alesia’s lawyer removed from the case',
        body: paragraphs(
          'The investigator has removed Alesia’s lawyer from the case and appointed a state lawyer. Her family was allowed one short visit, during which Alesia said she was being treated correctly and was grateful for the letters.',
        ),
        daysAfterLaunch: 55,
      },
      {
        title: 'Alesia Hrynkevich sentenced to three years',
        body: paragraphs(
          'After a two-day trial behind closed doors, Alesia Hrynkevich was convicted and sentenced to three years in a penal colony. Her lawyers have appealed.',
          'We are closing this action. We will keep following Alesia’s case and will issue a new action if her situation changes. Thank you to everyone who stood with her.',
        ),
        outcome: 'sentenced',
        daysAfterLaunch: 85,
      },
    ],
    confirmedSignatures: 354,
  },
]
