import fs from 'node:fs'
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from '@remix-run/node'
import { photoFilePath } from '#app/utils/photo.server.ts'

/**
 * Serves uploaded photos. Only names of the form we generate are accepted (no paths, no other
 * files), and each is always a JPEG we re-encoded ourselves; a name never changes content, so
 * browsers may keep it for a year.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const file = photoFilePath(params.name ?? '')
  if (!file) throw new Response('Not found', { status: 404 })
  let size: number
  try {
    size = (await fs.promises.stat(file)).size
  } catch {
    throw new Response('Not found', { status: 404 })
  }
  return new Response(createReadableStreamFromReadable(fs.createReadStream(file)), {
    headers: {
      'Content-Type': 'image/jpeg',
      'Content-Length': String(size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
  })
}
