/** How long a batch may wait for company, and for how many items (see createCoalescer). */
export type Gather = { minBatch: number; maxWaitMs: number }

/**
 * Gathers the calls made while earlier ones are running into one call with all their items, like
 * Nagle's algorithm: a call made while fewer than `maxInFlight` batches run goes at once, alone;
 * those made while all are busy wait and go together in the next. Quiet times cost nothing extra
 * (unless `gather` asks a batch to wait), and under load one statement serves many callers (the
 * worker's concurrent deliveries each claimed and marked their message with a statement of their
 * own: a round trip, a socket write and, for the mark, a commit each).
 *
 * With `gather`, a batch also waits (at most `maxWaitMs` from its first item) until it has
 * `minBatch` items: for a statement whose callers can afford a few milliseconds, and whose cost is
 * mostly per statement (the fan-out's sent marks, one commit each).
 *
 * `run` gets the items in the order they came (the same item may come twice: deduplicate in
 * `run` where that matters) and answers each with a result in the same order; when it throws,
 * every caller in that batch gets the error.
 */
export function createCoalescer<Item, Result>(
  run: (items: Item[]) => Promise<Result[]>,
  {
    maxBatch = 100,
    maxInFlight = 1,
    gather,
  }: {
    maxBatch?: number
    maxInFlight?: number
    gather?: Gather
  } = {},
) {
  type Waiting = { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }
  const waiting: Waiting[] = []
  let inFlight = 0
  // Set while the oldest waiting item waits for company; once it has waited long enough,
  // `overdue` sends what there is, as soon as a batch may go.
  let gathering: NodeJS.Timeout | undefined
  let overdue = false

  function pump() {
    if (gather && !overdue && waiting.length > 0 && waiting.length < gather.minBatch) {
      gathering ??= setTimeout(() => {
        gathering = undefined
        overdue = true
        pump()
      }, gather.maxWaitMs)
      return
    }
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch)
      inFlight++
      run(batch.map((call) => call.item))
        .then((results) => {
          if (results.length !== batch.length)
            throw new Error(`coalescer: ${results.length} results for ${batch.length} items`)
          batch.forEach((call, i) => call.resolve(results[i]!))
        })
        .catch((error: unknown) => batch.forEach((call) => call.reject(error)))
        .finally(() => {
          inFlight--
          pump()
        })
    }
    if (waiting.length === 0) {
      clearTimeout(gathering)
      gathering = undefined
      overdue = false
    }
  }

  return function call(item: Item) {
    return new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject })
      pump()
    })
  }
}
