// CPU time spent by a process tree, from /proc/<pid>/stat (user + system, in clock ticks). On a
// shared machine throughput depends on what else runs; CPU milliseconds per request do not, so
// they say what each path costs, and so what bounds it.
import { execFileSync } from 'node:child_process'
import { processTree, statFields } from './memory.ts'

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100

/** User + system CPU seconds of one process so far; 0 when it is gone. */
function cpuSecondsOf(pid: number) {
  try {
    const fields = statFields(pid)
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/**
 * Starts counting the CPU a process tree spends. Processes are found again at the end too, so
 * a child started in between counts from zero; one that ended in between is not counted.
 */
export function measureCpu(rootPid: number) {
  const start = new Map(processTree(rootPid).map((pid) => [pid, cpuSecondsOf(pid)]))
  return {
    /** CPU seconds spent since the start. */
    stop() {
      let seconds = 0
      for (const pid of processTree(rootPid)) seconds += cpuSecondsOf(pid) - (start.get(pid) ?? 0)
      return seconds
    },
  }
}
