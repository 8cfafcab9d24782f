import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import {
  Form,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  useParams,
  useSearchParams,
} from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { ConsoleNotice } from '#app/components/console.tsx'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { ErrorSummary, Field, useErrorText } from '#app/components/forms.tsx'
import { actionIdParam, requireConsoleAction } from '#app/models/action-admin.server.ts'
import {
  getLetterTemplate,
  letterTemplateProblems,
  letterVersion,
  unknownPlaceholderErrors,
  previewLetter,
  saveLetterTemplate,
  sendTestLetter,
  type LetterPreview,
} from '#app/models/letter-admin.server.ts'
import { LetterTemplateSchema, parseStaffForm, type FormValues } from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { LETTER_PLACEHOLDERS } from '#app/utils/letter-template.ts'
import { requireStaff, requireStaffAction } from '#app/utils/session.server.ts'
import { skipRevalidationAfterPreview } from '#app/utils/revalidation.ts'

const closed = () => new Response('A closed action can no longer be edited', { status: 409 })

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, 'editor')
  const db = getDb()
  const action = await requireConsoleAction(db, actionIdParam(params))
  // A closed action is history: its overview says how it ended.
  if (action.status === 'closed') throw redirect(`/admin/actions/${action.id}`)
  const template = await getLetterTemplate(db, action.id)
  return {
    template: template ? { subject: template.subject, body: template.body } : null,
    version: letterVersion(template),
    preview: template ? await previewLetter(db, action.id, template) : null,
    status: action.status,
  }
}

export const shouldRevalidate = skipRevalidationAfterPreview

// How long typing must pause before the preview follows it.
const LIVE_PREVIEW_DELAY_MS = 400

type ActionResult =
  | {
      intent: 'save' | 'preview'
      errors?: FieldErrors
      unknown?: string[]
      values: FormValues
      preview?: LetterPreview | null
    }
  | { intent: 'test'; problem: 'no-template' }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { session, formData } = await requireStaffAction(request, 'editor')
  const actionId = actionIdParam(params)
  const db = getDb()
  const intent = formData.get('intent')

  if (intent === 'test') {
    const result = await sendTestLetter(db, {
      actionId,
      staff: { id: session.user.id, email: session.user.email },
    })
    if (result.status === 'not-found') throw new Response('Not found', { status: 404 })
    if (result.status === 'no-template')
      return data<ActionResult>({ intent: 'test', problem: 'no-template' }, 409)
    return redirect(`/admin/actions/${actionId}/letter?done=test`, 303)
  }
  if (intent !== 'save' && intent !== 'preview') throw new Response('Bad request', { status: 400 })

  const parsed = parseStaffForm(LetterTemplateSchema, formData)
  if (!parsed.ok)
    return data<ActionResult>({ intent, errors: parsed.errors, values: parsed.values }, 400)
  const unknown = letterTemplateProblems(parsed.data)
  const unknownError = unknownPlaceholderErrors(parsed.data)
  if (intent === 'preview') {
    return data<ActionResult>(
      {
        intent,
        values: parsed.values,
        unknown,
        errors: unknown.length > 0 ? unknownError : undefined,
        preview: await previewLetter(db, actionId, parsed.data),
      },
      unknown.length > 0 ? 400 : 200,
    )
  }
  const version = formData.get('version')
  const result = await saveLetterTemplate(db, {
    actionId,
    input: parsed.data,
    version: typeof version === 'string' ? version : undefined,
    actor: { staffUserId: session.user.id, ip: context.clientIp },
  })
  switch (result.status) {
    case 'not-found':
      throw new Response('Not found', { status: 404 })
    case 'closed':
      throw closed()
    case 'stale':
      // What this editor typed stays; saving it again now replaces the other editor's letter.
      return data<ActionResult>(
        {
          intent,
          errors: { form: ['console.error.stale'] },
          values: { ...parsed.values, version: result.version },
        },
        409,
      )
    case 'unknown-placeholders':
      return data<ActionResult>(
        { intent, errors: unknownError, unknown: result.placeholders, values: parsed.values },
        400,
      )
    default:
      return redirect(`/admin/actions/${actionId}/letter?done=saved`, 303)
  }
}

/**
 * The letter editor. With JavaScript the preview follows the typing (the same server-side check
 * and fill as "Preview without saving", which stays for browsers without it); without, the
 * button does it. The preview is plain text, and only its one-line summary is announced, so a
 * screen reader is not read the whole letter at every pause.
 */
export default function LetterTemplate() {
  const loaderData = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const [searchParams] = useSearchParams()
  const navigation = useNavigation()
  const params = useParams()
  const { t } = useTranslation()
  const errorText = useErrorText()
  const formResult = result && result.intent !== 'test' ? result : undefined
  const values: FormValues = formResult?.values ?? {
    ...loaderData.template,
    version: loaderData.version,
  }
  const value = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : '')
  const formKey = JSON.stringify(values)
  // One live preview per version of the form: after a save or a submitted preview, the form
  // shows what came back and the live preview starts afresh.
  const live = useFetcher<typeof action>({ key: `letter-preview:${params.id}:${formKey}` })
  const liveResult = live.data && live.data.intent !== 'test' ? live.data : undefined
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  const previewAsTyped = (form: HTMLFormElement) => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      const formData = new FormData(form)
      formData.set('intent', 'preview')
      void live.submit(formData, { method: 'post' })
    }, LIVE_PREVIEW_DELAY_MS)
  }

  const errors = formResult?.errors
  const labels = { subject: t('console.field.letterSubject'), body: t('console.field.letterBody') }
  const unknown = (liveResult ?? formResult)?.unknown ?? []
  // While typing, a field's problem is the live check's unknown placeholders only, never "write
  // the letter" before anyone has had the chance to.
  const liveProblems = (messages: string[] | undefined) => {
    const unknownOnly = messages?.filter((message) => message.endsWith('.unknownPlaceholders'))
    return unknownOnly?.length ? unknownOnly : undefined
  }
  const bodyErrors = liveResult ? liveProblems(liveResult.errors?.body) : errors?.body
  const subjectErrors = liveResult ? liveProblems(liveResult.errors?.subject) : errors?.subject
  const preview = liveResult
    ? (liveResult.preview ?? null)
    : formResult?.preview !== undefined
      ? formResult.preview
      : loaderData.preview
  const unsaved = liveResult !== undefined || formResult?.intent === 'preview'
  const done = searchParams.get('done')
  const bodyError = bodyErrors?.length
  return (
    <section aria-labelledby="letter-heading">
      <h2 id="letter-heading">{t('console.letter.heading')}</h2>
      {done === 'saved' && !result ? (
        <ConsoleNotice>{t('console.letter.saved')}</ConsoleNotice>
      ) : null}
      {done === 'test' && !result ? (
        <ConsoleNotice>{t('console.letter.testQueued')}</ConsoleNotice>
      ) : null}
      {result?.intent === 'test' ? (
        <ConsoleNotice tone="error">{t('console.letter.testNoTemplate')}</ConsoleNotice>
      ) : null}
      <p>{t('console.letter.intro')}</p>
      {loaderData.status === 'active' ? <p>{t('console.edit.activeNote')}</p> : null}

      <div className="console-columns">
        <Form
          method="post"
          noValidate
          className="console-form"
          key={formKey}
          onChange={(event) => previewAsTyped(event.currentTarget)}
          onSubmit={() => clearTimeout(timer.current)}
        >
          <CsrfInput />
          <input type="hidden" name="version" value={value('version')} />
          <ErrorSummary errors={errors} labels={labels} />
          <Field name="subject" label={labels.subject} errors={subjectErrors}>
            {(props) => (
              <input {...props} type="text" maxLength={300} defaultValue={value('subject')} />
            )}
          </Field>
          <div className={bodyError ? 'field field-error' : 'field'}>
            <label htmlFor="field-body">{labels.body}</label>
            <p className="field-hint" id="field-body-hint">
              {t('console.hint.letterBody')}
            </p>
            {bodyError ? (
              <p className="field-error-message" id="field-body-error">
                {unknown.length > 0
                  ? t('console.letter.unknownPlaceholders', { list: unknown.join(', ') })
                  : errorText(bodyErrors[0]!)}
              </p>
            ) : null}
            <textarea
              id="field-body"
              name="body"
              rows={16}
              maxLength={20_000}
              defaultValue={value('body')}
              aria-describedby={bodyError ? 'field-body-hint field-body-error' : 'field-body-hint'}
              aria-invalid={bodyError ? true : undefined}
            />
          </div>
          <div className="button-row">
            <button
              type="submit"
              name="intent"
              value="save"
              disabled={navigation.state === 'submitting'}
            >
              {t('console.letter.save')}
            </button>
            <button type="submit" name="intent" value="preview" className="secondary">
              {t('console.letter.preview')}
            </button>
          </div>
        </Form>

        <aside className="console-placeholders" aria-labelledby="placeholders-heading">
          <h3 id="placeholders-heading">{t('console.letter.placeholdersHeading')}</h3>
          <p>{t('console.letter.placeholdersIntro')}</p>
          <ul>
            {LETTER_PLACEHOLDERS.map((name) => (
              <li key={name}>
                <code>{`{{${name}}}`}</code>
              </li>
            ))}
          </ul>
        </aside>
      </div>

      <section className="console-panel" aria-labelledby="preview-heading">
        <h3 id="preview-heading">{t('console.letter.previewHeading')}</h3>
        <div aria-live="polite" data-testid="letter-preview-status">
          {preview ? (
            <p className="console-muted">
              {unsaved ? t('console.letter.previewUnsaved') : t('console.letter.previewSaved')}{' '}
              {preview.authorityName
                ? t('console.letter.previewFor', { name: preview.authorityName })
                : t('console.letter.previewNoAuthority')}
            </p>
          ) : (
            <p>
              {liveResult ? t('console.letter.previewIncomplete') : t('console.letter.noTemplate')}
            </p>
          )}
          {preview && unsaved && unknown.length > 0 ? (
            <p>{t('console.letter.previewUnknown', { list: unknown.join(', ') })}</p>
          ) : null}
        </div>
        {preview ? (
          <div
            className="letter-preview"
            data-testid="letter-preview"
            aria-busy={live.state !== 'idle' || undefined}
          >
            <p className="letter-subject">
              <strong>{preview.subject}</strong>
            </p>
            <p className="letter-body">{preview.body}</p>
          </div>
        ) : null}
      </section>

      {loaderData.template ? (
        <Form method="post" className="console-panel">
          <CsrfInput />
          <p>{t('console.letter.testIntro')}</p>
          <button type="submit" name="intent" value="test" className="secondary">
            {t('console.letter.test')}
          </button>
        </Form>
      ) : null}
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
