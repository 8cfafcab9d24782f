import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { ActionDetailsForm } from '#app/components/action-details-form.tsx'
import { ConsoleNotice } from '#app/components/console.tsx'
import {
  actionIdParam,
  requireConsoleAction,
  detailsVersion,
  updateActionDetails,
  type PhotoChange,
} from '#app/models/action-admin.server.ts'
import type { FormValues } from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { readActionDetailsForm } from '#app/utils/action-details-form.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { deletePhoto, storePhoto } from '#app/utils/photo.server.ts'
import { requireStaff } from '#app/utils/session.server.ts'

function closedResponse() {
  return new Response('A closed action can no longer be edited', { status: 409 })
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, 'editor')
  const action = await requireConsoleAction(getDb(), actionIdParam(params))
  // A closed action is history: its overview says how it ended.
  if (action.status === 'closed') throw redirect(`/admin/actions/${action.id}`)
  const values: FormValues = {
    atRiskKind: action.atRiskKind,
    atRiskName: action.atRiskName,
    atRiskDescription: action.atRiskDescription,
    title: action.title,
    slug: action.slug,
    summary: action.summary,
    country: action.country,
    location: action.location,
    themes: action.themes,
    story: action.story,
    background: action.background,
    demands: action.demands.join('\n'),
    deadline: action.deadline ?? '',
    signatureGoal: String(action.signatureGoal),
    deliveryMode: action.deliveryMode,
    digestPeriod: action.digestPeriod,
    throttlePerHour: String(action.throttlePerHour),
    photoAlt: action.photoAlt ?? '',
    version: detailsVersion(action),
  }
  return {
    values,
    status: action.status as 'draft' | 'active',
    photoPath: action.photoPath,
    photoAlt: action.photoAlt,
  }
}

type ActionResult = { errors: FieldErrors; values: FormValues }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const session = await requireStaff(request, 'editor')
  const id = actionIdParam(params)
  const db = getDb()
  const current = await requireConsoleAction(db, id)
  if (current.status === 'closed') throw closedResponse()
  const form = await readActionDetailsForm(request, session, { hasPhoto: !!current.photoPath })
  if (!form.ok) return data<ActionResult>({ errors: form.errors, values: form.values }, 400)

  const stored = form.photo ? await storePhoto(form.photo) : null
  const photo: PhotoChange = stored
    ? { kind: 'replace', name: stored }
    : form.input.removePhoto
      ? { kind: 'remove' }
      : { kind: 'keep' }
  const result = await updateActionDetails(db, {
    id,
    input: form.input,
    photo,
    version: typeof form.values.version === 'string' ? form.values.version : undefined,
    actor: { staffUserId: session.user.id, ip: context.clientIp },
  }).catch(async (error: unknown) => {
    await deletePhoto(stored)
    throw error
  })
  if (!result.ok) {
    await deletePhoto(stored)
    if ('errors' in result)
      return data<ActionResult>({ errors: result.errors, values: form.values }, 400)
    if (result.status === 'stale') {
      // What this editor typed stays; saving it again now replaces the other editor's changes.
      const values = { ...form.values, version: result.version }
      return data<ActionResult>({ errors: { form: ['console.error.stale'] }, values }, 409)
    }
    if (result.status === 'closed') throw closedResponse()
    throw new Response('Not found', { status: 404 })
  }
  // The old file goes only once the change that replaced it is committed.
  await deletePhoto(result.replacedPhoto)
  return redirect(`/admin/actions/${id}/edit?saved=1`, 303)
}

export default function EditAction() {
  const loaderData = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation()
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">{t('console.edit.heading')}</h2>
      {searchParams.get('saved') && !result ? (
        <ConsoleNotice>{t('console.edit.saved')}</ConsoleNotice>
      ) : null}
      {loaderData.status === 'active' ? <p>{t('console.edit.activeNote')}</p> : null}
      <ActionDetailsForm
        mode={{
          kind: 'edit',
          status: loaderData.status,
          photoPath: loaderData.photoPath,
          photoAlt: loaderData.photoAlt,
        }}
        values={result?.values ?? loaderData.values}
        errors={result?.errors}
      />
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
