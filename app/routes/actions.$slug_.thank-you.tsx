import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { ShareLinks } from '#app/components/share-links.tsx'
import { getActionSummary } from '#app/models/action-page.server.ts'
import { createTranslator } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { SlugSchema } from '#app/schemas/supporter-forms.ts'

export const meta: MetaFunction = () => [{ title: createTranslator('en')('thanks.metaTitle') }]

export async function loader({ params }: LoaderFunctionArgs) {
  const slug = SlugSchema.safeParse(params.slug)
  const action = slug.success ? await getActionSummary(slug.data) : null
  if (!action) throw new Response('Not found', { status: 404 })
  return { action }
}

export default function ThankYou() {
  const { action } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <div className="status-page">
      <h1>{t('thanks.heading')}</h1>
      <p data-testid="signature-count">
        {t('thanks.count', { count: action.confirmedCount, atRiskName: action.atRiskName })}
      </p>
      <p>{t('thanks.body')}</p>
      <ShareLinks url={action.url} atRiskName={action.atRiskName} title={action.title} />
    </div>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
