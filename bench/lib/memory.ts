// Peak memory of a process tree (the web server's primary and its cluster children), sampled
// from /proc: VmRSS of every process under the root pid, a few times a second.
import fs from 'node:fs'

/**
 * The fields of /proc/<pid>/stat after the command name (field 3 of the whole line comes first);
 * throws when the process is gone. The name is in parentheses and may hold spaces: the fields
 * follow the last ")".
 */
export function statFields(pid: number | string) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** A process's parent pid (field 4 of the whole line); throws when the process is gone. */
export function parentPid(pid: number | string) {
  return Number(statFields(pid)[1])
}

/** The pid and every descendant of it, from each process's parent pid. */
export function processTree(rootPid: number) {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let ppid: number
    try {
      ppid = parentPid(entry)
    } catch {
      continue // the process ended while we looked
    }
    const list = children.get(ppid) ?? []
    list.push(Number(entry))
    children.set(ppid, list)
  }
  const tree: number[] = []
  const queue = [rootPid]
  while (queue.length > 0) {
    const pid = queue.shift()!
    tree.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return tree
}

/** Resident memory of one process in bytes; 0 when it is gone. */
export function rssBytes(pid: number) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1] ?? 0)
    return kb * 1024
  } catch {
    return 0
  }
}

export type MemoryPeak = {
  totalMb: number
  processMb: number
  /** The most any one process grew above what it used when sampling started. */
  growthMb: number
  processes: number
}

/**
 * Samples a process tree until stopped. Reports the highest total of the tree and the highest
 * single process (what a per-process memory limit would see).
 */
export function sampleMemory(rootPid: number, intervalMs = 200) {
  let totalPeak = 0
  let processPeak = 0
  let growthPeak = 0
  let processes = 0
  const baseline = new Map<number, number>()
  const sample = () => {
    const pids = processTree(rootPid)
    let total = 0
    for (const pid of pids) {
      const rss = rssBytes(pid)
      total += rss
      processPeak = Math.max(processPeak, rss)
      if (!baseline.has(pid)) baseline.set(pid, rss)
      growthPeak = Math.max(growthPeak, rss - baseline.get(pid)!)
    }
    totalPeak = Math.max(totalPeak, total)
    processes = Math.max(processes, pids.length)
  }
  sample()
  const timer = setInterval(sample, intervalMs)
  return {
    stop(): MemoryPeak {
      clearInterval(timer)
      sample()
      const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
      return {
        totalMb: mb(totalPeak),
        processMb: mb(processPeak),
        growthMb: mb(growthPeak),
        processes,
      }
    },
  }
}
