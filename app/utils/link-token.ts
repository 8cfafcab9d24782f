import { z } from 'zod'

/** The shape of a token in a link's path; anything else is refused before any work is done. */
export const LinkTokenParam = z
  .string()
  .min(20)
  .max(2000)
  .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/)
