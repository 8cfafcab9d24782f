import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData } from '@remix-run/react'
import { ActionDetailsForm } from '#app/components/action-details-form.tsx'
import { createDraftAction } from '#app/models/action-admin.server.ts'
import type { FormValues } from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { readActionDetailsForm } from '#app/utils/action-details-form.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { deletePhoto, storePhoto } from '#app/utils/photo.server.ts'
import { requireStaff } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [{ title: t('console.metaTitle', { page: t('console.new.title') }) }]
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, 'editor')
  return null
}

type ActionResult = { errors: FieldErrors; values: FormValues }

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireStaff(request, 'editor')
  const form = await readActionDetailsForm(request, session, { isNew: true })
  if (!form.ok) return data<ActionResult>({ errors: form.errors, values: form.values }, 400)
  const photoPath = form.photo ? await storePhoto(form.photo) : null
  const result = await createDraftAction(getDb(), {
    input: form.input,
    photoPath,
    actor: { staffUserId: session.user.id, ip: context.clientIp },
  }).catch(async (error: unknown) => {
    await deletePhoto(photoPath)
    throw error
  })
  if (!result.ok) {
    await deletePhoto(photoPath)
    return data<ActionResult>({ errors: result.errors, values: form.values }, 400)
  }
  return redirect(`/admin/actions/${result.id}/authorities?created=1`, 303)
}

export default function NewAction() {
  const result = useActionData<typeof action>()
  const { t } = useTranslation()
  return (
    <section className="console" aria-labelledby="new-heading">
      <p className="console-breadcrumb">
        <Link to="/admin">{t('console.overview.title')}</Link>
      </p>
      <h1 id="new-heading">{t('console.new.title')}</h1>
      <p>{t('console.new.intro')}</p>
      <ActionDetailsForm
        mode={{ kind: 'new' }}
        values={result?.values ?? {}}
        errors={result?.errors}
      />
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
