// The form for an action's details, used to create a draft and to edit it. Uncontrolled fields
// with default values: after a failed submission the page re-renders with everything that was
// typed (only a chosen photo has to be chosen again: browsers never refill file inputs).
import { Form, useNavigation } from '@remix-run/react'
import { CsrfInput } from '#app/components/csrf-input.tsx'
import { ErrorSummary, Field, useErrorText } from '#app/components/forms.tsx'
import {
  ACTION_THEMES,
  AT_RISK_KINDS,
  DELIVERY_MODES,
  DIGEST_PERIODS,
  type FormValues,
} from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { countryOptions } from '#app/utils/countries.ts'
import { useTranslation } from '#app/utils/i18n-react.tsx'
import { enumKey } from './console.tsx'

export type ActionFormMode =
  | { kind: 'new' }
  | { kind: 'edit'; status: 'draft' | 'active'; photoPath: string | null; photoAlt: string | null }

function useLabels() {
  const { t } = useTranslation()
  return {
    atRiskKind: t('console.field.atRiskKind'),
    atRiskName: t('console.field.atRiskName'),
    atRiskDescription: t('console.field.atRiskDescription'),
    title: t('console.field.title'),
    slug: t('console.field.slug'),
    summary: t('console.field.summary'),
    country: t('console.field.country'),
    location: t('console.field.location'),
    themes: t('console.field.themes'),
    story: t('console.field.story'),
    background: t('console.field.background'),
    demands: t('console.field.demands'),
    deadline: t('console.field.deadline'),
    signatureGoal: t('console.field.signatureGoal'),
    deliveryMode: t('console.field.deliveryMode'),
    digestPeriod: t('console.field.digestPeriod'),
    throttlePerHour: t('console.field.throttlePerHour'),
    photo: t('console.field.photo'),
    photoAlt: t('console.field.photoAlt'),
  }
}

function str(values: FormValues, key: string, fallback = '') {
  const value = values[key]
  return typeof value === 'string' ? value : fallback
}

export function ActionDetailsForm({
  mode,
  values,
  errors,
}: {
  mode: ActionFormMode
  values: FormValues
  errors?: FieldErrors
}) {
  const { t, locale } = useTranslation()
  const errorText = useErrorText()
  const navigation = useNavigation()
  const labels = useLabels()
  const themes = new Set(Array.isArray(values.themes) ? values.themes : [])
  const launched = mode.kind === 'edit' && mode.status !== 'draft'
  const groupError = (name: string) =>
    errors?.[name]?.length ? (
      <p className="field-error-message" id={`field-${name}-error`}>
        {errorText(errors[name]![0]!)}
      </p>
    ) : null
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      noValidate
      className="console-form"
      key={JSON.stringify(values)}
    >
      <CsrfInput />
      {typeof values.version === 'string' ? (
        <input type="hidden" name="version" value={values.version} />
      ) : null}
      <ErrorSummary errors={errors} labels={labels} />

      <fieldset>
        <legend>{t('console.form.atRiskLegend')}</legend>
        <fieldset
          id="field-atRiskKind"
          className={errors?.atRiskKind ? 'field field-error radio-group' : 'field radio-group'}
          aria-describedby={errors?.atRiskKind ? 'field-atRiskKind-error' : undefined}
        >
          <legend>{labels.atRiskKind}</legend>
          {groupError('atRiskKind')}
          {AT_RISK_KINDS.map((kind) => (
            <div className="field-checkbox" key={kind}>
              <input
                type="radio"
                id={`field-atRiskKind-${kind}`}
                name="atRiskKind"
                value={kind}
                defaultChecked={str(values, 'atRiskKind', 'person') === kind}
              />
              <label htmlFor={`field-atRiskKind-${kind}`}>
                {t(enumKey('console.atRiskKind', kind))}
              </label>
            </div>
          ))}
        </fieldset>
        <Field name="atRiskName" label={labels.atRiskName} errors={errors?.atRiskName}>
          {(props) => (
            <input
              {...props}
              type="text"
              maxLength={200}
              defaultValue={str(values, 'atRiskName')}
            />
          )}
        </Field>
        <Field
          name="atRiskDescription"
          label={labels.atRiskDescription}
          hint={t('console.hint.atRiskDescription')}
          errors={errors?.atRiskDescription}
        >
          {(props) => (
            <textarea
              {...props}
              rows={3}
              maxLength={2000}
              defaultValue={str(values, 'atRiskDescription')}
            />
          )}
        </Field>
      </fieldset>

      <fieldset>
        <legend>{t('console.form.actionLegend')}</legend>
        <Field name="title" label={labels.title} errors={errors?.title}>
          {(props) => (
            <input {...props} type="text" maxLength={200} defaultValue={str(values, 'title')} />
          )}
        </Field>
        <Field
          name="slug"
          label={labels.slug}
          hint={launched ? t('console.hint.slugLaunched') : t('console.hint.slug')}
          errors={errors?.slug}
        >
          {(props) => (
            <input
              {...props}
              type="text"
              maxLength={120}
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              readOnly={launched}
              defaultValue={str(values, 'slug')}
            />
          )}
        </Field>
        <Field
          name="summary"
          label={labels.summary}
          hint={t('console.hint.summary')}
          errors={errors?.summary}
        >
          {(props) => (
            <textarea {...props} rows={2} maxLength={500} defaultValue={str(values, 'summary')} />
          )}
        </Field>
        <Field name="country" label={labels.country} errors={errors?.country}>
          {(props) => (
            <select {...props} defaultValue={str(values, 'country')}>
              <option value="">{t('console.form.chooseCountry')}</option>
              {countryOptions(locale).map((country) => (
                <option key={country.code} value={country.code}>
                  {country.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="location"
          label={labels.location}
          hint={t('console.hint.location')}
          errors={errors?.location}
        >
          {(props) => (
            <input {...props} type="text" maxLength={200} defaultValue={str(values, 'location')} />
          )}
        </Field>
        <fieldset
          id="field-themes"
          className={errors?.themes ? 'field field-error checkbox-group' : 'field checkbox-group'}
          aria-describedby={errors?.themes ? 'field-themes-error' : undefined}
        >
          <legend>{labels.themes}</legend>
          {groupError('themes')}
          {ACTION_THEMES.map((theme) => (
            <div className="field-checkbox" key={theme}>
              <input
                type="checkbox"
                id={`field-themes-${theme}`}
                name="themes"
                value={theme}
                defaultChecked={themes.has(theme)}
              />
              <label htmlFor={`field-themes-${theme}`}>{t(enumKey('theme', theme))}</label>
            </div>
          ))}
        </fieldset>
      </fieldset>

      <fieldset>
        <legend>{t('console.form.storyLegend')}</legend>
        <Field
          name="story"
          label={labels.story}
          hint={t('console.hint.markdown')}
          errors={errors?.story}
        >
          {(props) => <textarea {...props} rows={10} defaultValue={str(values, 'story')} />}
        </Field>
        <Field
          name="background"
          label={labels.background}
          hint={t('console.hint.markdown')}
          errors={errors?.background}
        >
          {(props) => <textarea {...props} rows={6} defaultValue={str(values, 'background')} />}
        </Field>
        <Field
          name="demands"
          label={labels.demands}
          hint={t('console.hint.demands')}
          errors={errors?.demands}
        >
          {(props) => <textarea {...props} rows={4} defaultValue={str(values, 'demands')} />}
        </Field>
        <Field
          name="deadline"
          label={labels.deadline}
          hint={t('console.hint.deadline')}
          errors={errors?.deadline}
        >
          {(props) => <input {...props} type="date" defaultValue={str(values, 'deadline')} />}
        </Field>
        <Field name="signatureGoal" label={labels.signatureGoal} errors={errors?.signatureGoal}>
          {(props) => (
            <input
              {...props}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              defaultValue={str(values, 'signatureGoal', '1000')}
            />
          )}
        </Field>
      </fieldset>

      <fieldset>
        <legend>{t('console.form.deliveryLegend')}</legend>
        <Field
          name="deliveryMode"
          label={labels.deliveryMode}
          hint={t('console.hint.deliveryMode')}
          errors={errors?.deliveryMode}
        >
          {(props) => (
            <select {...props} defaultValue={str(values, 'deliveryMode', 'individual')}>
              {DELIVERY_MODES.map((deliveryMode) => (
                <option key={deliveryMode} value={deliveryMode}>
                  {t(enumKey('console.deliveryMode', deliveryMode))}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="digestPeriod"
          label={labels.digestPeriod}
          hint={t('console.hint.digestPeriod')}
          errors={errors?.digestPeriod}
        >
          {(props) => (
            <select {...props} defaultValue={str(values, 'digestPeriod', 'daily')}>
              {DIGEST_PERIODS.map((period) => (
                <option key={period} value={period}>
                  {t(enumKey('console.digestPeriod', period))}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="throttlePerHour"
          label={labels.throttlePerHour}
          hint={t('console.hint.throttlePerHour')}
          errors={errors?.throttlePerHour}
        >
          {(props) => (
            <input
              {...props}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              defaultValue={str(values, 'throttlePerHour', '60')}
            />
          )}
        </Field>
      </fieldset>

      <fieldset>
        <legend>{t('console.form.photoLegend')}</legend>
        {mode.kind === 'edit' && mode.photoPath ? (
          <figure className="console-photo">
            <img src={`/media/${mode.photoPath}`} alt={mode.photoAlt ?? ''} />
            <figcaption>{t('console.form.currentPhoto')}</figcaption>
          </figure>
        ) : null}
        <Field
          name="photo"
          label={labels.photo}
          hint={t('console.hint.photo')}
          errors={errors?.photo}
        >
          {(props) => <input {...props} type="file" accept="image/jpeg,image/png,image/webp" />}
        </Field>
        <Field
          name="photoAlt"
          label={labels.photoAlt}
          hint={t('console.hint.photoAlt')}
          errors={errors?.photoAlt}
        >
          {(props) => (
            <input {...props} type="text" maxLength={300} defaultValue={str(values, 'photoAlt')} />
          )}
        </Field>
        {mode.kind === 'edit' && mode.photoPath ? (
          <div className="field field-checkbox">
            <input
              type="checkbox"
              id="field-removePhoto"
              name="removePhoto"
              defaultChecked={values.removePhoto === 'on'}
            />
            <label htmlFor="field-removePhoto">{t('console.form.removePhoto')}</label>
          </div>
        ) : null}
      </fieldset>

      <button type="submit" disabled={navigation.state === 'submitting'}>
        {mode.kind === 'new' ? t('console.form.createDraft') : t('console.form.save')}
      </button>
    </Form>
  )
}
