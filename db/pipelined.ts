/**
 * Waits for statements sent together on one transaction (postgres.js pipelines a transaction's
 * queries: one round trip for all), and gives their results in order. Every one settles before
 * this returns or throws, so the transaction never ends (a rollback) while a caller still has a
 * statement to send, which would then run outside it. When one fails, PostgreSQL refuses the
 * rest ("current transaction is aborted", 25P02): the error thrown is the one that failed.
 * Order: a Drizzle query runs only once awaited or then'd, so one given here as it is goes after
 * those that functions given before it have already started; start it (`.then()`) to send it
 * earlier.
 */
export async function allPipelined<const T extends readonly unknown[]>(
  statements: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(statements)
  const failures = settled.flatMap((result) =>
    result.status === 'rejected' ? [result.reason] : [],
  )
  const failure =
    failures.find(
      // Drizzle wraps the driver's error: its code is the cause's. (Anything may be thrown.)
      (error: { code?: string; cause?: { code?: string } } | null | undefined) =>
        (error?.cause?.code ?? error?.code) !== '25P02',
    ) ?? failures[0]
  if (failures.length > 0) throw failure
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>
  }
}
