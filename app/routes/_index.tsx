import type { MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ActionCard } from '#app/components/action-card.tsx'
import { getActiveActionCards } from '#app/models/action.server.ts'
import { createTranslator, defaultLocale } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'

export const meta: MetaFunction = () => {
  const t = createTranslator(defaultLocale)
  return [
    { title: `${t('site.name')} · ${t('home.title')}` },
    { name: 'description', content: t('site.tagline') },
  ]
}

export async function loader() {
  return { actions: await getActiveActionCards() }
}

export default function HomePage() {
  const { actions } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('home.intro')}</p>
      <h2>{t('home.activeHeading')}</h2>
      {actions.length === 0 ? (
        <p>{t('home.noActive')}</p>
      ) : (
        <ul className="action-list">
          {actions.map((action) => (
            <li key={action.slug}>
              <ActionCard action={action} />
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/actions">{t('actionList.seeAll')}</Link>
      </p>
    </>
  )
}
