import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-response nonce allowed by the Content-Security-Policy for inline scripts. */
    cspNonce: string
    /** The client's IP address; only ever stored as a keyed hash. */
    clientIp: string
  }
}

declare module '@remix-run/server-runtime' {
  // Types for loaders and actions follow single fetch (enabled in remix.config.js).
  interface Future {
    v3_singleFetch: true
  }
}
