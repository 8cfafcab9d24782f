import '@remix-run/node'

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-response nonce allowed by the Content-Security-Policy for inline scripts. */
    cspNonce: string
    /** The client's IP address; only ever stored as a keyed hash. */
    clientIp: string
  }
}
