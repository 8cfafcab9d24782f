/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  serverModuleFormat: 'esm',
  // Server-only packages stay external; everything else is bundled, and so are JSON data files
  // (the country names): plain node imports JSON only with an import attribute.
  serverDependenciesToBundle: [/^i18n-iso-countries\/langs\/.*\.json$/],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
}
