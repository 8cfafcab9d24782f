import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { ConsoleNotice, enumKey } from '#app/components/console.tsx'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import { actionIdParam, requireConsoleAction } from '#app/models/action-admin.server.ts'
import {
  deleteUpdateDraft,
  getDraftUpdate,
  listUpdatesForConsole,
  publishUpdate,
  saveUpdateDraft,
  type ConsoleUpdate,
} from '#app/models/update-admin.server.ts'
import {
  ACTION_OUTCOMES,
  parseStaffForm,
  UpdateSchema,
  type FormValues,
} from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { getDb } from '#app/utils/db.server.ts'
import { formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { renderMarkdown } from '#app/utils/markdown.server.ts'
import { requireStaff, requireStaffAction } from '#app/utils/session.server.ts'
import { skipRevalidationAfterPreview } from '#app/utils/revalidation.ts'

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const shouldRevalidate = skipRevalidationAfterPreview

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, 'editor')
  const db = getDb()
  const action = await requireConsoleAction(db, actionIdParam(params))
  const editId = new URL(request.url).searchParams.get('edit')
  const editing = editId && ID.test(editId) ? await getDraftUpdate(db, action.id, editId) : null
  return {
    reference: action.reference,
    canPublish: action.status !== 'draft',
    updates: await listUpdatesForConsole(db, action.id),
    editing: editing
      ? { id: editing.id, title: editing.title, body: editing.body, outcome: editing.outcome ?? '' }
      : null,
  }
}

type ActionResult =
  | { intent: 'save' | 'preview'; errors?: FieldErrors; values: FormValues; previewHtml?: string }
  | { intent: 'refused'; reason: 'published' | 'draft-action' }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { session, formData } = await requireStaffAction(request, 'editor')
  const actionId = actionIdParam(params)
  const db = getDb()
  const actor = { staffUserId: session.user.id, ip: context.clientIp }
  const intent = formData.get('intent')
  const rawId = formData.get('updateId')
  const updateId = typeof rawId === 'string' && ID.test(rawId) ? rawId : null
  const back = (done: string) => redirect(`/admin/actions/${actionId}/updates?done=${done}`, 303)

  if (intent === 'save' || intent === 'preview') {
    const parsed = parseStaffForm(UpdateSchema, formData)
    if (!parsed.ok)
      return data<ActionResult>({ intent, errors: parsed.errors, values: parsed.values }, 400)
    if (intent === 'preview') {
      return data<ActionResult>({
        intent,
        values: parsed.values,
        previewHtml: renderMarkdown(parsed.data.body),
      })
    }
    const result = await saveUpdateDraft(db, { actionId, updateId, input: parsed.data, actor })
    if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
    if (result.status === 'published' || result.status === 'draft-action')
      return data<ActionResult>({ intent: 'refused', reason: result.status }, 409)
    return back('saved')
  }
  if (!updateId) throw new Response('Bad request', { status: 400 })
  const result =
    intent === 'publish'
      ? await publishUpdate(db, { actionId, updateId, actor })
      : intent === 'delete'
        ? await deleteUpdateDraft(db, { actionId, updateId })
        : null
  if (!result) throw new Response('Bad request', { status: 400 })
  if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
  if (result.status === 'published' || result.status === 'draft-action')
    return data<ActionResult>({ intent: 'refused', reason: result.status }, 409)
  return back(intent === 'publish' ? 'published' : 'deleted')
}

const DONE = ['saved', 'published', 'deleted'] as const

export default function Updates() {
  const { reference, canPublish, updates, editing } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const [searchParams] = useSearchParams()
  const { t } = useTranslation()
  const done = DONE.find((what) => what === searchParams.get('done'))
  const formResult = result && result.intent !== 'refused' ? result : undefined
  const drafts = updates.filter((update) => !update.publishedAt)
  const published = updates.filter((update) => update.publishedAt)
  return (
    <section aria-labelledby="updates-heading">
      <h2 id="updates-heading">{t('console.updates.heading')}</h2>
      {done && !result ? (
        <ConsoleNotice>{t(enumKey('console.updates.done', done))}</ConsoleNotice>
      ) : null}
      {result?.intent === 'refused' ? (
        <ConsoleNotice tone="error">
          {t(enumKey('console.updates.refused', result.reason))}
        </ConsoleNotice>
      ) : null}
      <p>{t('console.updates.intro')}</p>
      {!canPublish ? <p>{t('console.updates.draftAction')}</p> : null}

      <UpdateForm
        editing={editing}
        values={formResult?.values}
        errors={formResult?.errors}
        previewHtml={formResult?.previewHtml}
      />

      <section className="console-panel" aria-labelledby="drafts-heading">
        <h3 id="drafts-heading">{t('console.updates.draftsHeading')}</h3>
        {drafts.length === 0 ? (
          <p>{t('console.updates.noDrafts')}</p>
        ) : (
          <ul className="console-updates">
            {drafts.map((update) => (
              <li key={update.id}>
                <UpdateItem update={update} reference={reference} canPublish={canPublish} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="console-panel" aria-labelledby="published-heading">
        <h3 id="published-heading">{t('console.updates.publishedHeading')}</h3>
        {published.length === 0 ? (
          <p>{t('console.updates.nonePublished')}</p>
        ) : (
          <ul className="console-updates">
            {published.map((update) => (
              <li key={update.id}>
                <UpdateItem update={update} reference={reference} canPublish={canPublish} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  )
}

function UpdateForm({
  editing,
  values: sent,
  errors,
  previewHtml,
}: {
  editing: { id: string; title: string; body: string; outcome: string } | null
  values?: FormValues
  errors?: FieldErrors
  previewHtml?: string
}) {
  const { t } = useTranslation()
  const values: FormValues = sent ?? editing ?? {}
  const value = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '')
  const updateId = typeof values.updateId === 'string' ? values.updateId : (editing?.id ?? '')
  const labels = {
    title: t('console.field.updateTitle'),
    body: t('console.field.updateBody'),
    outcome: t('console.field.updateOutcome'),
  }
  return (
    <section className="console-panel" aria-labelledby="update-form-heading">
      <h3 id="update-form-heading">
        {updateId ? t('console.updates.editHeading') : t('console.updates.newHeading')}
      </h3>
      <Form method="post" noValidate className="console-form" key={JSON.stringify(values)}>
        <CsrfInput />
        {updateId ? <input type="hidden" name="updateId" value={updateId} /> : null}
        <ErrorSummary errors={errors} labels={labels} />
        <Field name="title" label={labels.title} errors={errors?.title}>
          {(props) => (
            <input {...props} type="text" maxLength={200} defaultValue={value('title')} />
          )}
        </Field>
        <Field
          name="body"
          label={labels.body}
          hint={t('console.hint.markdown')}
          errors={errors?.body}
        >
          {(props) => <textarea {...props} rows={10} defaultValue={value('body')} />}
        </Field>
        <Field
          name="outcome"
          label={labels.outcome}
          hint={t('console.hint.updateOutcome')}
          errors={errors?.outcome}
        >
          {(props) => (
            <select {...props} defaultValue={value('outcome')}>
              <option value="">{t('console.updates.noOutcome')}</option>
              {ACTION_OUTCOMES.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {t(enumKey('console.outcome', outcome))}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="button-row">
          <button type="submit" name="intent" value="save">
            {t('console.updates.saveDraft')}
          </button>
          <button type="submit" name="intent" value="preview" className="secondary">
            {t('console.updates.preview')}
          </button>
          {updateId ? (
            <Link to="?" className="console-cancel">
              {t('console.updates.cancelEdit')}
            </Link>
          ) : null}
        </div>
      </Form>
      {previewHtml !== undefined ? (
        <section className="console-preview" aria-labelledby="update-preview-heading">
          <h4 id="update-preview-heading">{t('console.updates.previewHeading')}</h4>
          <h5>{value('title')}</h5>
          <div className="prose" dangerouslySetInnerHTML={{ __html: previewHtml }} />
        </section>
      ) : null}
    </section>
  )
}

function UpdateItem({
  update,
  reference,
  canPublish,
}: {
  update: ConsoleUpdate
  reference: string | null
  canPublish: boolean
}) {
  const { t, locale } = useTranslation()
  const headingId = `update-${update.id}`
  return (
    <article className="console-update" aria-labelledby={headingId}>
      {update.sequence ? (
        <p className="reference">
          {t('console.updates.label', { reference: reference ?? '', sequence: update.sequence })}
          {update.publishedAt
            ? ` · ${t('console.updates.publishedOn', { date: formatDate(locale, update.publishedAt) })}`
            : null}
        </p>
      ) : (
        <p className="reference">{t('console.updates.draftLabel')}</p>
      )}
      <h4 id={headingId}>{update.title}</h4>
      {update.outcome ? (
        <p>
          <strong>{t(enumKey('console.outcome', update.outcome))}</strong>
        </p>
      ) : null}
      <div className="prose" dangerouslySetInnerHTML={{ __html: update.bodyHtml }} />
      {update.fanout ? (
        <p className="console-fanout" data-testid="fanout">
          {update.fanout.total === null
            ? t('console.updates.fanoutPreparing')
            : t('console.updates.fanout', { sent: update.fanout.sent, total: update.fanout.total })}
        </p>
      ) : (
        <div className="button-row">
          <Link to={`?edit=${update.id}`} className="button-link secondary">
            {t('console.updates.edit')}
          </Link>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="updateId" value={update.id} />
            {canPublish ? (
              <button type="submit" name="intent" value="publish">
                {t('console.updates.publish')}
              </button>
            ) : null}{' '}
            <button type="submit" name="intent" value="delete" className="danger">
              {t('console.updates.delete')}
            </button>
          </Form>
        </div>
      )}
    </article>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
