import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { ErrorSummary, Field } from '#app/components/forms.tsx'
import {
  changeStaffRole,
  inviteStaff,
  listStaff,
  setStaffDisabled,
  STAFF_ROLES,
  StaffChangeSchema,
  type StaffListEntry,
} from '#app/models/staff.server.ts'
import { parseForm, type FieldErrors } from '#app/schemas/supporter-forms.ts'
import { createTranslator, type TranslationKey } from '#app/utils/i18n.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { requireStaff, requireStaffAction } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => {
  const t = createTranslator('en')
  return [
    { title: t('admin.metaTitle', { page: t('admin.staff.title') }) },
    { name: 'robots', content: 'noindex' },
  ]
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireStaff(request, 'admin')
  return { staff: await listStaff(), currentUserId: user.id, roles: STAFF_ROLES }
}

type ActionResult = {
  intent: 'invite' | 'change'
  // A translation key saying what was done, shown as a status message.
  done?: TranslationKey
  email?: string
  errors?: FieldErrors
  values?: Record<string, string>
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { session, formData } = await requireStaffAction(request, 'admin')
  const parsed = parseForm(StaffChangeSchema, formData)
  const isInvite = formData.get('intent') === 'invite'
  if (!parsed.ok) {
    const { csrf: _csrf, ...values } = parsed.values
    return data<ActionResult>(
      { intent: isInvite ? 'invite' : 'change', errors: parsed.errors, values },
      400,
    )
  }
  const input = parsed.data
  const actor = session.user
  const ip = context.clientIp
  if (input.intent === 'invite') {
    const invited = await inviteStaff({ actor, ...input, ip })
    if (invited.status === 'email-taken') {
      const { email, name, role } = input
      return data<ActionResult>(
        {
          intent: 'invite',
          errors: { email: ['admin.staff.error.emailTaken'] },
          values: { email, name, role },
        },
        409,
      )
    }
    return data<ActionResult>({
      intent: 'invite',
      done: 'admin.staff.done.invited',
      email: input.email,
    })
  }
  const result =
    input.intent === 'role'
      ? await changeStaffRole({ actor, staffUserId: input.staffUserId, role: input.role, ip })
      : await setStaffDisabled({
          actor,
          staffUserId: input.staffUserId,
          disabled: input.intent === 'disable',
          ip,
        })
  if (result === 'self' || result === 'not-found') {
    const refusal = result === 'self' ? 'admin.staff.error.self' : 'admin.staff.error.notFound'
    return data<ActionResult>(
      { intent: 'change', errors: { form: [refusal] } },
      result === 'self' ? 403 : 404,
    )
  }
  const doneKey: TranslationKey =
    result === 'unchanged'
      ? 'admin.staff.done.unchanged'
      : input.intent === 'role'
        ? 'admin.staff.done.role'
        : input.intent === 'disable'
          ? 'admin.staff.done.disabled'
          : 'admin.staff.done.enabled'
  return data<ActionResult>({ intent: 'change', done: doneKey })
}

export default function StaffPage() {
  const { staff, currentUserId, roles } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  const { t } = useTranslation()
  return (
    <div className="admin-page">
      <h1>{t('admin.staff.heading')}</h1>
      {result?.done ? (
        <p className="notice" role="status">
          {t(result.done, { email: result.email ?? '' })}
        </p>
      ) : null}
      {result?.intent === 'change' && result.errors ? (
        <ErrorSummary errors={result.errors} labels={{}} idPrefix="change-" />
      ) : null}
      <div className="table-scroll">
        <table className="admin-table">
          <caption className="visually-hidden">{t('admin.staff.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.staff.name')}</th>
              <th scope="col">{t('admin.staff.email')}</th>
              <th scope="col">{t('admin.staff.role')}</th>
              <th scope="col">{t('admin.staff.status')}</th>
              <th scope="col">{t('admin.staff.changes')}</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((member) => (
              <StaffRow
                key={member.id}
                member={member}
                isSelf={member.id === currentUserId}
                roles={roles}
              />
            ))}
          </tbody>
        </table>
      </div>
      <InviteForm roles={roles} result={result?.intent === 'invite' ? result : undefined} />
    </div>
  )
}

function StaffRow({
  member,
  isSelf,
  roles,
}: {
  member: StaffListEntry
  isSelf: boolean
  roles: readonly StaffListEntry['role'][]
}) {
  const { t } = useTranslation()
  const statuses = [
    member.disabled ? t('admin.staff.status.disabled') : null,
    member.locked ? t('admin.staff.status.locked') : null,
    member.invitationPending ? t('admin.staff.status.invited') : null,
  ].filter(Boolean)
  return (
    <tr data-testid={`staff-${member.email}`}>
      <th scope="row">
        {member.name} {isSelf ? t('admin.staff.you') : null}
      </th>
      <td className="breakable">{member.email}</td>
      <td>{t(`admin.role.${member.role}`)}</td>
      <td>{statuses.length ? statuses.join(', ') : t('admin.staff.status.active')}</td>
      <td>
        {isSelf ? (
          <p className="field-hint">{t('admin.staff.selfNote')}</p>
        ) : (
          <div className="row-forms">
            {/* Keyed by the role, so the select shows the saved value after a change. */}
            <Form method="post" className="inline-form" key={member.role}>
              <CsrfInput />
              <input type="hidden" name="staffUserId" value={member.id} />
              <label className="visually-hidden" htmlFor={`role-${member.id}`}>
                {t('admin.staff.roleFor', { name: member.name })}
              </label>
              <select id={`role-${member.id}`} name="role" defaultValue={member.role}>
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {t(`admin.role.${role}`)}
                  </option>
                ))}
              </select>
              <button type="submit" name="intent" value="role" className="secondary">
                {t('admin.staff.changeRole')}
                <span className="visually-hidden"> {member.name}</span>
              </button>
            </Form>
            <Form method="post" className="inline-form">
              <CsrfInput />
              <input type="hidden" name="staffUserId" value={member.id} />
              {member.disabled ? (
                <button type="submit" name="intent" value="enable" className="secondary">
                  {t('admin.staff.enable')}
                  <span className="visually-hidden"> {member.name}</span>
                </button>
              ) : (
                <button type="submit" name="intent" value="disable" className="danger">
                  {t('admin.staff.disable')}
                  <span className="visually-hidden"> {member.name}</span>
                </button>
              )}
            </Form>
          </div>
        )}
      </td>
    </tr>
  )
}

function InviteForm({
  roles,
  result,
}: {
  roles: readonly StaffListEntry['role'][]
  result: ActionResult | undefined
}) {
  const { t } = useTranslation()
  const errors = result?.errors
  const values = result?.values ?? {}
  const labels = {
    name: t('admin.staff.invite.name'),
    email: t('admin.staff.invite.email'),
    role: t('admin.staff.invite.role'),
  }
  return (
    <section className="admin-section" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('admin.staff.invite.heading')}</h2>
      <p>{t('admin.staff.invite.intro')}</p>
      <Form method="post" noValidate key={JSON.stringify(result ?? {})}>
        <ErrorSummary errors={errors} labels={labels} idPrefix="invite-" />
        <CsrfInput />
        <input type="hidden" name="intent" value="invite" />
        <Field name="name" idPrefix="invite-" label={labels.name} errors={errors?.name}>
          {(props) => (
            <input
              {...props}
              type="text"
              autoComplete="off"
              maxLength={100}
              defaultValue={values.name}
              required
            />
          )}
        </Field>
        <Field name="email" idPrefix="invite-" label={labels.email} errors={errors?.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="off"
              maxLength={254}
              defaultValue={values.email}
              required
            />
          )}
        </Field>
        <Field
          name="role"
          idPrefix="invite-"
          label={labels.role}
          hint={t('admin.role.hint')}
          errors={errors?.role}
        >
          {(props) => (
            <select {...props} defaultValue={values.role ?? 'viewer'} required>
              {roles.map((role) => (
                <option key={role} value={role}>
                  {t(`admin.role.${role}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">{t('admin.staff.invite.submit')}</button>
      </Form>
    </section>
  )
}

export { ErrorBoundary } from '#app/components/error-boundary.tsx'
