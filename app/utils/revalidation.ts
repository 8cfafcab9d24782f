import type { ShouldRevalidateFunction } from '@remix-run/react'

/**
 * A submission whose intent is "preview" (a letter or an update shown before it is saved)
 * changes nothing, so no loader on the page needs to run again after it: the letter's live
 * preview submits on every pause in typing, and each one read the session and the action again.
 */
export const skipRevalidationAfterPreview: ShouldRevalidateFunction = ({
  formData,
  defaultShouldRevalidate,
}) => (formData?.get('intent') === 'preview' ? false : defaultShouldRevalidate)
