import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import {
  getOutboxSummary,
  getQueueCounts,
  listFailedMessages,
  retryFailedMessages,
} from '#app/models/delivery-admin.server.ts'
import { createTranslator, formatDate } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { requireStaff, requireStaffAction, ROLE_RANK } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => [{ title: createTranslator('en')('delivery.metaTitle') }]

const PageParam = z.coerce.number().int().min(1).max(10_000).catch(1)

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireStaff(request, 'viewer')
  const page = PageParam.parse(new URL(request.url).searchParams.get('page') ?? 1)
  const [queues, outbox, failed] = await Promise.all([
    getQueueCounts(),
    getOutboxSummary(),
    listFailedMessages(page),
  ])
  return {
    queues,
    outbox,
    failed,
    page,
    canRetry: ROLE_RANK[session.user.role] >= ROLE_RANK.editor,
  }
}

const RetrySchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('retry-one'), id: z.uuid() }),
  z.object({ intent: z.literal('retry-all') }),
])

export async function action({ request, context }: ActionFunctionArgs) {
  const { session, formData } = await requireStaffAction(request, 'editor')
  const parsed = RetrySchema.safeParse(Object.fromEntries(formData))
  if (!parsed.success) return data({ retried: 0, error: 'invalid' as const }, 400)
  const retried = await retryFailedMessages({
    ids: parsed.data.intent === 'retry-all' ? 'all' : [parsed.data.id],
    staffUserId: session.user.id,
    ip: context.clientIp,
  })
  if (retried === null) return data({ retried: 0, error: 'unavailable' as const }, 503)
  return { retried, error: null }
}

const STATES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const

export default function DeliveryPage() {
  const { queues, outbox, failed, page, canRetry } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const { t, locale } = useTranslation()
  return (
    <>
      <h1>{t('delivery.heading')}</h1>
      {result && !result.error ? (
        <p role="status" className="notice">
          {t('delivery.retried', { count: result.retried })}
        </p>
      ) : null}
      {result?.error === 'unavailable' ? (
        <p role="alert" className="notice">
          {t('delivery.retryUnavailable')}
        </p>
      ) : null}
      <h2>{t('delivery.queueHeading')}</h2>
      {queues ? (
        <table className="mail-table">
          <caption className="visually-hidden">{t('delivery.queueHeading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('delivery.queue')}</th>
              {QUEUE_STATES.map((state) => (
                <th scope="col" key={state}>
                  {t(`delivery.queueState.${state}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <tr key={queue.name} data-testid={`queue-${queue.name}`}>
                <th scope="row">{queue.name}</th>
                {QUEUE_STATES.map((state) => (
                  <td key={state} data-testid={`queue-${queue.name}-${state}`}>
                    {queue.counts[state] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="notice">{t('delivery.queueUnavailable')}</p>
      )}
      <h2>{t('delivery.outboxHeading')}</h2>
      <dl className="stats">
        {STATES.map((state) => (
          <div key={state}>
            <dt>{t(`delivery.outboxState.${state}`)}</dt>
            <dd data-testid={`outbox-${state}`}>{outbox[state] ?? 0}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('delivery.failedHeading')}</h2>
      {failed.messages.length === 0 ? (
        <p>{t('delivery.noFailed')}</p>
      ) : (
        <>
          {canRetry ? (
            <Form method="post">
              <CsrfInput />
              <button type="submit" name="intent" value="retry-all">
                {t('delivery.retryAll')}
              </button>
            </Form>
          ) : null}
          <table className="mail-table">
            <thead>
              <tr>
                <th scope="col">{t('delivery.col.when')}</th>
                <th scope="col">{t('delivery.col.message')}</th>
                <th scope="col">{t('delivery.col.to')}</th>
                <th scope="col">{t('delivery.col.reason')}</th>
                <th scope="col">{t('delivery.col.attempts')}</th>
                {canRetry ? <th scope="col">{t('delivery.col.retry')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {failed.messages.map((message) => (
                <tr key={message.id}>
                  <td>{formatDate(locale, message.createdAt)}</td>
                  <td>
                    {message.template}
                    {message.reference ? ` · ${message.reference}` : null}
                  </td>
                  <td>{message.toAddress}</td>
                  <td>{message.lastError}</td>
                  <td>{message.attempts}</td>
                  {canRetry ? (
                    <td>
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="id" value={message.id} />
                        <button type="submit" name="intent" value="retry-one" className="secondary">
                          {t('delivery.retry')}
                        </button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label={t('delivery.pagination')}>
            {page > 1 ? <Link to={`?page=${page - 1}`}>{t('delivery.previous')}</Link> : null}{' '}
            {failed.hasMore ? <Link to={`?page=${page + 1}`}>{t('delivery.next')}</Link> : null}
          </nav>
        </>
      )}
    </>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
