// Deadlines are dates, read in UTC everywhere: the public pages, the console and the job that
// closes actions at their deadline.

/** Whether a deadline (YYYY-MM-DD) has passed: from the day after it, in UTC. */
export function deadlinePassed(deadline: string | null) {
  return deadline !== null && deadline < new Date().toISOString().slice(0, 10)
}
