import { useEffect, useRef, type ReactNode } from 'react'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import type { TranslationKey } from '#app/utils/i18n.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'

/** Error keys come from zod schemas; anything unexpected gets a generic, still-helpful message. */
export function useErrorText() {
  const { t } = useTranslation()
  return (key: string) => {
    const text = t(key as TranslationKey)
    return text === key ? t('form.error.invalid') : text
  }
}

/**
 * The summary above a form that failed validation: announced, focused (when JavaScript runs), and
 * linking each problem to its field.
 */
export function ErrorSummary({
  errors,
  labels,
  idPrefix = '',
}: {
  errors: FieldErrors | undefined
  labels: Record<string, string>
  idPrefix?: string
}) {
  const { t } = useTranslation()
  const errorText = useErrorText()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (errors) ref.current?.focus()
  }, [errors])
  if (!errors) return null
  const entries = Object.entries(errors)
  return (
    <div
      className="error-summary"
      role="alert"
      tabIndex={-1}
      ref={ref}
      aria-labelledby={`${idPrefix}error-summary-title`}
    >
      <h3 id={`${idPrefix}error-summary-title`}>
        {t('form.errorSummary', { count: entries.length })}
      </h3>
      <ul>
        {entries.map(([field, messages]) => (
          <li key={field}>
            {labels[field] ? (
              <a href={`#field-${idPrefix}${field}`}>{errorText(messages[0]!)}</a>
            ) : (
              errorText(messages[0]!)
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}

type FieldProps = {
  name: string
  // Distinguishes ids when two forms on a page have fields of the same name.
  idPrefix?: string
  label: string
  hint?: string
  errors?: string[]
  children: (props: {
    id: string
    name: string
    'aria-describedby'?: string
    'aria-invalid'?: true
  }) => ReactNode
}

/** A labelled field with its hint and error, wired for screen readers. */
export function Field({ name, idPrefix = '', label, hint, errors, children }: FieldProps) {
  const errorText = useErrorText()
  const id = `field-${idPrefix}${name}`
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className={errors?.length ? 'field field-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p className="field-error-message" id={`${id}-error`}>
          {errorText(errors[0]!)}
        </p>
      ) : null}
      {children({
        id,
        name,
        'aria-describedby': describedBy || undefined,
        'aria-invalid': errors?.length ? true : undefined,
      })}
    </div>
  )
}

/** A checkbox with its label after it, and its error above. */
export function CheckboxField({
  name,
  idPrefix = '',
  label,
  errors,
  defaultChecked,
}: {
  name: string
  idPrefix?: string
  label: string
  errors?: string[]
  defaultChecked?: boolean
}) {
  const errorText = useErrorText()
  const id = `field-${idPrefix}${name}`
  return (
    <div className={errors?.length ? 'field field-checkbox field-error' : 'field field-checkbox'}>
      {errors?.length ? (
        <p className="field-error-message" id={`${id}-error`}>
          {errorText(errors[0]!)}
        </p>
      ) : null}
      <input
        type="checkbox"
        id={id}
        name={name}
        defaultChecked={defaultChecked}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        aria-invalid={errors?.length ? true : undefined}
      />
      <label htmlFor={id}>{label}</label>
    </div>
  )
}
