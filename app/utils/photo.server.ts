// Photos of people at risk: accepted only when their content is a JPEG, PNG or WebP image, then
// re-encoded to JPEG. Re-encoding drops every piece of metadata (EXIF, GPS position, camera serial
// numbers), which could endanger the person or the photographer; `.rotate()` first applies the
// EXIF orientation to the pixels so the picture still stands the right way up.
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import {
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
  MaxPartSizeExceededError,
  type UploadHandler,
} from '@remix-run/node'
import sharp from 'sharp'
import { getEnv } from './env.server.ts'

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024
/** Stored photos are named by 128 random bits; the media route serves nothing else. */
export const PHOTO_NAME_PATTERN = /^[a-f0-9]{32}\.jpg$/
// Text fields of a multipart form (a story in Markdown is the longest).
const TEXT_PART_MAX_BYTES = 200_000
// Beyond this a request is refused outright. Up to it, a photo over PHOTO_MAX_BYTES is read past
// (never kept) so the form can come back with a friendly message and everything else typed.
const REQUEST_MAX_BYTES = 25 * 1024 * 1024
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp'])
// Refuses decompression bombs: a small file that decodes to an enormous image.
const MAX_INPUT_PIXELS = 60_000_000
const MAX_DIMENSION = 2000

async function drain(data: AsyncIterable<Uint8Array>) {
  for await (const _chunk of data) {
    // Nothing is kept.
  }
}

/** Put in the form data instead of a photo that was larger than the limit. */
export const PHOTO_TOO_LARGE = '\u0000photo-too-large'

/**
 * Reads a multipart form with a photo field. A photo over the limit does not abort the parse
 * (that would lose everything else typed): it is drained, discarded and marked PHOTO_TOO_LARGE.
 */
export async function parsePhotoForm(request: Request, field = 'photo') {
  const length = Number(request.headers.get('content-length'))
  if (length > REQUEST_MAX_BYTES) throw new Response('Payload too large', { status: 413 })
  const photo = createMemoryUploadHandler({ maxPartSize: PHOTO_MAX_BYTES })
  const text = createMemoryUploadHandler({ maxPartSize: TEXT_PART_MAX_BYTES })
  const handler: UploadHandler = async (part) => {
    if (part.filename === undefined) return text(part)
    if (part.name === field) {
      try {
        return await photo(part)
      } catch (error) {
        if (!(error instanceof MaxPartSizeExceededError)) throw error
        // Drained and discarded, so the fields after the photo are still read.
        await drain(part.data)
        return PHOTO_TOO_LARGE
      }
    }
    // A file in a field we do not expect: read past it without keeping it.
    await drain(part.data)
    return undefined
  }
  try {
    return await parseMultipartFormData(request, handler)
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      throw new Response('Payload too large', { status: 413 })
    }
    if (error instanceof TypeError) throw new Response('Bad request', { status: 400 })
    throw error
  }
}

export type PhotoUpload =
  | { kind: 'none' }
  | { kind: 'file'; file: File }
  | { kind: 'error'; error: 'console.error.photo.tooLarge' }

/** What the photo field of a parsed form holds (an empty file input sends an empty file). */
export function photoFromForm(formData: FormData, field = 'photo'): PhotoUpload {
  const value = formData.get(field)
  if (value === PHOTO_TOO_LARGE) return { kind: 'error', error: 'console.error.photo.tooLarge' }
  if (value instanceof File && value.size > 0) return { kind: 'file', file: value }
  return { kind: 'none' }
}

export type ProcessedPhoto =
  | { ok: true; jpeg: Buffer }
  | { ok: false; error: 'console.error.photo.type' | 'console.error.photo.tooLarge' }

/** Checks an upload by its content (never its name or declared type) and re-encodes it to JPEG. */
export async function processPhoto(input: Buffer): Promise<ProcessedPhoto> {
  if (input.byteLength > PHOTO_MAX_BYTES)
    return { ok: false, error: 'console.error.photo.tooLarge' }
  let format: string | undefined
  try {
    ;({ format } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata())
  } catch {
    return { ok: false, error: 'console.error.photo.type' }
  }
  if (!format || !ACCEPTED_FORMATS.has(format))
    return { ok: false, error: 'console.error.photo.type' }
  try {
    const jpeg = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({
        width: MAX_DIMENSION,
        height: MAX_DIMENSION,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer()
    return { ok: true, jpeg }
  } catch {
    // Declared as an image but truncated or corrupt.
    return { ok: false, error: 'console.error.photo.type' }
  }
}

function uploadDir() {
  return path.resolve(getEnv().UPLOAD_DIR)
}

/** Stores a re-encoded photo under a new random name and returns the name. */
export async function storePhoto(jpeg: Buffer) {
  const name = `${crypto.randomBytes(16).toString('hex')}.jpg`
  await fs.mkdir(uploadDir(), { recursive: true })
  await fs.writeFile(path.join(uploadDir(), name), jpeg, { flag: 'wx' })
  return name
}

/** Removes a stored photo; a name that is not ours, or a file already gone, is ignored. */
export async function deletePhoto(name: string | null | undefined) {
  if (!name || !PHOTO_NAME_PATTERN.test(name)) return
  await fs.rm(path.join(uploadDir(), name), { force: true })
}

/** The path of a stored photo, or null for a name that does not match ours. */
export function photoFilePath(name: string) {
  return PHOTO_NAME_PATTERN.test(name) ? path.join(uploadDir(), name) : null
}
