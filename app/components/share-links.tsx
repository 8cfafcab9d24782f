import { useTranslation } from '#app/utils/i18n-react.tsx'

/** Plain links: nothing is loaded from any of these services until the supporter clicks. */
export function ShareLinks({
  url,
  atRiskName,
  title,
}: {
  url: string
  atRiskName: string
  title: string
}) {
  const { t } = useTranslation()
  const text = t('actionPage.share.text', { atRiskName, title })
  const encodedUrl = encodeURIComponent(url)
  const encodedText = encodeURIComponent(text)
  const links = [
    {
      key: 'email',
      href: `mailto:?subject=${encodedText}&body=${encodeURIComponent(`${text}\n\n${url}`)}`,
    },
    { key: 'whatsapp', href: `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}` },
    { key: 'telegram', href: `https://t.me/share/url?url=${encodedUrl}&text=${encodedText}` },
    { key: 'x', href: `https://x.com/intent/post?text=${encodedText}&url=${encodedUrl}` },
    { key: 'facebook', href: `https://www.facebook.com/sharer/sharer.php?u=${encodedUrl}` },
  ] as const
  return (
    <section className="share" aria-labelledby="share-heading">
      <h2 id="share-heading">{t('actionPage.shareHeading')}</h2>
      <label htmlFor="share-url">{t('actionPage.share.link')}</label>
      <input id="share-url" type="text" readOnly value={url} className="share-url" />
      <ul className="share-links">
        {links.map((link) => (
          <li key={link.key}>
            <a href={link.href} rel="noopener noreferrer nofollow" target="_blank">
              {t(`actionPage.share.${link.key}`)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}
