// Reading the action details form (multipart, because of the photo) for the create and edit
// routes: CSRF, the fields, and the photo checked by its content, with every problem reported
// beside its field and everything typed sent back.
import {
  ActionDetailsSchema,
  parseStaffForm,
  type ActionDetailsInput,
  type FormValues,
} from '#app/schemas/action-forms.ts'
import type { FieldErrors } from '#app/schemas/supporter-forms.ts'
import { deadlinePassed } from './deadline.ts'
import { parsePhotoForm, photoFromForm, processPhoto } from './photo.server.ts'
import { requireCsrf, type StaffSession } from './session.server.ts'

export type ActionDetailsSubmission =
  | { ok: true; input: ActionDetailsInput; photo: Buffer | null; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues }

function addError(errors: FieldErrors, field: string, message: string) {
  errors[field] = [...(errors[field] ?? []), message]
}

export async function readActionDetailsForm(
  request: Request,
  session: StaffSession,
  { hasPhoto = false, isNew = false }: { hasPhoto?: boolean; isNew?: boolean } = {},
): Promise<ActionDetailsSubmission> {
  const formData = await parsePhotoForm(request)
  requireCsrf(session, formData)
  const parsed = parseStaffForm(ActionDetailsSchema, formData, { arrays: ['themes'] })
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
  const { photo: _photo, ...values } = parsed.values

  let photo: Buffer | null = null
  const upload = photoFromForm(formData)
  if (upload.kind === 'error') addError(errors, 'photo', upload.error)
  if (upload.kind === 'file') {
    const processed = await processPhoto(Buffer.from(await upload.file.arrayBuffer()))
    if (processed.ok) photo = processed.jpeg
    else addError(errors, 'photo', processed.error)
  }
  const keepsPhoto = photo !== null || (hasPhoto && values.removePhoto !== 'on')
  const alt = typeof values.photoAlt === 'string' ? values.photoAlt.trim() : ''
  // A photo of a person needs words for those who cannot see it.
  if (keepsPhoto && !alt && upload.kind !== 'error') {
    addError(errors, 'photoAlt', 'console.error.photoAlt.required')
  }
  if (isNew && parsed.ok && deadlinePassed(parsed.data.deadline)) {
    addError(errors, 'deadline', 'console.error.deadline.past')
  }
  if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, errors, values }
  return { ok: true, input: parsed.data, photo, values }
}
