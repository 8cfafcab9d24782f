import '@remix-run/node'
import type { SupporterFormOutcome } from '#app/models/supporter-form.server.ts'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-response nonce allowed by the Content-Security-Policy for inline scripts. */
    cspNonce: string
    /** The client's IP address; only ever stored as a keyed hash. */
    clientIp: string
    /**
     * What came of the action page's form, submitted already by the web server's fast path
     * (supporter-form-fast-path.server.ts): the route shows it without submitting again.
     */
    submittedSupporterForm?: Promise<SupporterFormOutcome>
  }
}

declare module '@remix-run/server-runtime' {
  // Types for loaders and actions follow single fetch (enabled in remix.config.js).
  interface Future {
    v3_singleFetch: true
  }
}
