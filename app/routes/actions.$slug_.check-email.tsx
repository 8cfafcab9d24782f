import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getActionSummary } from '#app/models/action-page.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { SlugSchema } from '#app/schemas/supporter-forms.ts'

export const meta: MetaFunction = () => [{ title: createTranslator('en')('checkEmail.metaTitle') }]

// The same page whatever happened to the address: nobody learns whether someone else signed.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const slug = SlugSchema.safeParse(params.slug)
  const action = slug.success ? await getActionSummary(slug.data) : null
  if (!action) throw new Response('Not found', { status: 404 })
  const follow = new URL(request.url).searchParams.get('follow') === '1'
  return { slug: action.slug, title: action.title, follow }
}

export default function CheckEmail() {
  const { slug, title, follow } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <div className="status-page">
      <h1>{t('checkEmail.heading')}</h1>
      <p>{follow ? t('checkEmail.followBody') : t('checkEmail.body')}</p>
      <p>{t('checkEmail.spam')}</p>
      <p>
        <Link to={`/actions/${slug}`}>
          {t('checkEmail.back')}: {title}
        </Link>
      </p>
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
