import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { ConsoleNotice, enumKey } from '#app/components/console.tsx'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import { actionIdParam, requireConsoleAction } from '#app/models/action-admin.server.ts'
import {
  addAuthority,
  listAuthorities,
  moveAuthority,
  removeAuthority,
  updateAuthority,
  type AuthorityResult,
  type ConsoleAuthority,
} from '#app/models/authority-admin.server.ts'
import {
  AUTHORITY_ROLES,
  AuthoritySchema,
  parseStaffForm,
  type FormValues,
} from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { requireStaff, requireStaffAction } from '#app/utils/session.server.ts'

const closed = () => new Response('A closed action can no longer be edited', { status: 409 })

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, 'editor')
  const db = getDb()
  const action = await requireConsoleAction(db, actionIdParam(params))
  // A closed action is history: its overview says how it ended.
  if (action.status === 'closed') throw redirect(`/admin/actions/${action.id}`)
  return { authorities: await listAuthorities(db, action.id), status: action.status }
}

type ActionResult =
  | { intent: 'add' | 'save'; authorityId?: string; errors: FieldErrors; values: FormValues }
  | { intent: 'refused'; reason: 'has-letters' | 'last-target' }

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { session, formData } = await requireStaffAction(request, 'editor')
  const actionId = actionIdParam(params)
  const db = getDb()
  const actor = { staffUserId: session.user.id, ip: context.clientIp }
  const intent = formData.get('intent')
  const authorityId = String(formData.get('authorityId') ?? '')
  if (intent !== 'add' && !ID.test(authorityId)) throw new Response('Bad request', { status: 400 })

  let result: AuthorityResult
  let done: string
  let typed: FormValues = {}
  if (intent === 'add' || intent === 'save') {
    const parsed = parseStaffForm(AuthoritySchema, formData)
    typed = parsed.values
    if (!parsed.ok)
      return data<ActionResult>(
        { intent, authorityId, errors: parsed.errors, values: parsed.values },
        400,
      )
    result =
      intent === 'add'
        ? await addAuthority(db, { actionId, input: parsed.data, actor })
        : await updateAuthority(db, {
            actionId,
            authorityId,
            input: parsed.data,
            version: typeof typed.version === 'string' ? typed.version : undefined,
            actor,
          })
    done = intent === 'add' ? 'added' : 'saved'
  } else if (intent === 'remove') {
    result = await removeAuthority(db, { actionId, authorityId, actor })
    done = 'removed'
  } else if (intent === 'up' || intent === 'down') {
    result = await moveAuthority(db, { actionId, authorityId, direction: intent, actor })
    done = 'moved'
  } else {
    throw new Response('Bad request', { status: 400 })
  }

  switch (result.status) {
    case 'not-found':
      throw new Response('Not found', { status: 404 })
    case 'closed':
      throw closed()
    case 'stale':
      // What this editor typed stays; saving it again now replaces the other editor's changes.
      return data<ActionResult>(
        {
          intent: 'save',
          authorityId,
          errors: { form: ['console.error.stale'] },
          values: { ...typed, version: result.version },
        },
        409,
      )
    case 'has-letters':
    case 'last-target':
      return data<ActionResult>({ intent: 'refused', reason: result.status }, 409)
    default:
      // "at-edge" (moving the first one up) changes nothing, quietly.
      return redirect(`/admin/actions/${actionId}/authorities?done=${done}`, 303)
  }
}

const DONE = ['added', 'saved', 'removed', 'moved'] as const

export default function Authorities() {
  const { authorities, status } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const [searchParams] = useSearchParams()
  const { t } = useTranslation()
  const done = DONE.find((what) => what === searchParams.get('done'))
  const formResult = result && result.intent !== 'refused' ? result : undefined
  return (
    <section aria-labelledby="authorities-heading">
      <h2 id="authorities-heading">{t('console.authorities.heading')}</h2>
      {searchParams.get('created') ? (
        <ConsoleNotice>{t('console.new.created')}</ConsoleNotice>
      ) : null}
      {done && !result ? (
        <ConsoleNotice>{t(enumKey('console.authorities.done', done))}</ConsoleNotice>
      ) : null}
      {result?.intent === 'refused' ? (
        <ConsoleNotice tone="error">
          {t(enumKey('console.authorities.refused', result.reason))}
        </ConsoleNotice>
      ) : null}
      <p>{t('console.authorities.intro')}</p>
      {status === 'active' ? <p>{t('console.edit.activeNote')}</p> : null}

      {authorities.length === 0 ? (
        <p>{t('console.authorities.empty')}</p>
      ) : (
        <ol className="console-authorities">
          {authorities.map((authority, index) => (
            <li key={authority.id}>
              <AuthorityItem
                authority={authority}
                index={index}
                last={index === authorities.length - 1}
                result={formResult?.authorityId === authority.id ? formResult : undefined}
              />
            </li>
          ))}
        </ol>
      )}

      <section className="console-panel" aria-labelledby="add-authority-heading">
        <h3 id="add-authority-heading">{t('console.authorities.addHeading')}</h3>
        <AuthorityForm
          idPrefix="new-"
          intent="add"
          values={formResult?.intent === 'add' ? formResult.values : {}}
          errors={formResult?.intent === 'add' ? formResult.errors : undefined}
        />
      </section>
    </section>
  )
}

function AuthorityItem({
  authority,
  index,
  last,
  result,
}: {
  authority: ConsoleAuthority
  index: number
  last: boolean
  result?: { errors: FieldErrors; values: FormValues }
}) {
  const { t } = useTranslation()
  const headingId = `authority-${authority.id}`
  const values: FormValues = result?.values ?? {
    role: authority.role,
    name: authority.name,
    title: authority.title,
    salutation: authority.salutation,
    email: authority.email ?? '',
    postalAddress: authority.postalAddress,
    language: authority.language,
    version: authority.version,
  }
  return (
    <article className="console-authority" aria-labelledby={headingId}>
      <h4 id={headingId}>
        {authority.role === 'copy' ? (
          <span className="tag">{t('console.authorityRole.copy')}</span>
        ) : null}
        {authority.name}
      </h4>
      <p className="console-muted">
        {authority.title}
        {authority.email ? ` · ${authority.email}` : ''}
      </p>
      <Form method="post" className="button-row">
        <CsrfInput />
        <input type="hidden" name="authorityId" value={authority.id} />
        <button
          type="submit"
          name="intent"
          value="up"
          className="secondary"
          disabled={index === 0}
          aria-label={t('console.authorities.moveUpLabel', { name: authority.name })}
        >
          {t('console.authorities.moveUp')}
        </button>
        <button
          type="submit"
          name="intent"
          value="down"
          className="secondary"
          disabled={last}
          aria-label={t('console.authorities.moveDownLabel', { name: authority.name })}
        >
          {t('console.authorities.moveDown')}
        </button>
        <button
          type="submit"
          name="intent"
          value="remove"
          className="danger"
          aria-label={t('console.authorities.removeLabel', { name: authority.name })}
        >
          {t('console.authorities.remove')}
        </button>
      </Form>
      <details open={!!result}>
        <summary>{t('console.authorities.edit', { name: authority.name })}</summary>
        <AuthorityForm
          idPrefix={`a${index}-`}
          intent="save"
          authorityId={authority.id}
          values={values}
          errors={result?.errors}
        />
      </details>
    </article>
  )
}

function AuthorityForm({
  idPrefix,
  intent,
  authorityId,
  values,
  errors,
}: {
  idPrefix: string
  intent: 'add' | 'save'
  authorityId?: string
  values: FormValues
  errors?: FieldErrors
}) {
  const { t } = useTranslation()
  const value = (key: string, fallback = '') =>
    typeof values[key] === 'string' ? (values[key] as string) : fallback
  const labels = {
    role: t('console.field.authorityRole'),
    name: t('console.field.authorityName'),
    title: t('console.field.authorityTitle'),
    salutation: t('console.field.salutation'),
    email: t('console.field.authorityEmail'),
    postalAddress: t('console.field.postalAddress'),
    language: t('console.field.language'),
  }
  return (
    <Form method="post" noValidate className="console-form" key={JSON.stringify(values)}>
      <CsrfInput />
      {authorityId ? <input type="hidden" name="authorityId" value={authorityId} /> : null}
      {typeof values.version === 'string' ? (
        <input type="hidden" name="version" value={values.version} />
      ) : null}
      <ErrorSummary errors={errors} labels={labels} idPrefix={idPrefix} />
      <Field name="role" idPrefix={idPrefix} label={labels.role} errors={errors?.role}>
        {(props) => (
          <select {...props} defaultValue={value('role', 'target')}>
            {AUTHORITY_ROLES.map((role) => (
              <option key={role} value={role}>
                {t(enumKey('console.authorityRole', role))}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="name" idPrefix={idPrefix} label={labels.name} errors={errors?.name}>
        {(props) => <input {...props} type="text" maxLength={200} defaultValue={value('name')} />}
      </Field>
      <Field
        name="title"
        idPrefix={idPrefix}
        label={labels.title}
        hint={t('console.hint.authorityTitle')}
        errors={errors?.title}
      >
        {(props) => <input {...props} type="text" maxLength={200} defaultValue={value('title')} />}
      </Field>
      <Field
        name="salutation"
        idPrefix={idPrefix}
        label={labels.salutation}
        hint={t('console.hint.salutation')}
        errors={errors?.salutation}
      >
        {(props) => (
          <input {...props} type="text" maxLength={200} defaultValue={value('salutation')} />
        )}
      </Field>
      <Field
        name="email"
        idPrefix={idPrefix}
        label={labels.email}
        hint={t('console.hint.authorityEmail')}
        errors={errors?.email}
      >
        {(props) => <input {...props} type="email" maxLength={254} defaultValue={value('email')} />}
      </Field>
      <Field
        name="postalAddress"
        idPrefix={idPrefix}
        label={labels.postalAddress}
        errors={errors?.postalAddress}
      >
        {(props) => (
          <textarea {...props} rows={4} maxLength={1000} defaultValue={value('postalAddress')} />
        )}
      </Field>
      <Field
        name="language"
        idPrefix={idPrefix}
        label={labels.language}
        hint={t('console.hint.language')}
        errors={errors?.language}
      >
        {(props) => (
          <input
            {...props}
            type="text"
            maxLength={35}
            autoComplete="off"
            defaultValue={value('language', 'en')}
          />
        )}
      </Field>
      <button type="submit" name="intent" value={intent}>
        {intent === 'add' ? t('console.authorities.add') : t('console.authorities.save')}
      </button>
    </Form>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
