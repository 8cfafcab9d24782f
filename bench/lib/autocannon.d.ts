// The part of autocannon's programmatic API the harness uses (the package ships no types).
declare module 'autocannon' {
  type RequestContext = Record<string, unknown>
  type RawRequest = {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string | Buffer
  }
  export type AutocannonRequest = RawRequest & {
    setupRequest?: (request: RawRequest, context: RequestContext) => RawRequest | undefined
    onResponse?: (
      status: number,
      body: string,
      context: RequestContext,
      headers: Record<string, string>,
    ) => void
  }
  export type AutocannonOptions = {
    url: string
    connections?: number
    pipelining?: number
    duration?: number
    amount?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    requests?: AutocannonRequest[]
  }
  type Histogram = { average: number; p50: number; p90: number; p99: number; max: number }
  export type AutocannonResult = {
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    requests: Histogram & { total: number; sent: number }
    latency: Histogram
    throughput: Histogram & { total: number }
    statusCodeStats: Record<string, { count: number }>
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>
  export default autocannon
}
