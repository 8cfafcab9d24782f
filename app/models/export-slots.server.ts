// Exports (signatures, printable letters) share a few slots across every web process (see
// openExportConnection). One refused for want of a slot sends its editor back to the console,
// which says why and asks them to try again shortly.
import { redirect } from '@remix-run/node'
import { ExportsBusyError } from '#db/export-connection.ts'

/** The console's page for an action, saying that every export slot was taken. */
function exportsBusyUrl(actionId: string) {
  return `/admin/actions/${actionId}?busy=exports`
}

/** Runs an export; while every slot is taken, answers with a redirect to the console instead. */
export async function exportUnlessBusy(
  actionId: string,
  start: () => Promise<Response | null>,
): Promise<Response | null> {
  try {
    return await start()
  } catch (error) {
    if (error instanceof ExportsBusyError) return redirect(exportsBusyUrl(actionId))
    throw error
  }
}
