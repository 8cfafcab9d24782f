// CPU time spent by a process tree, from /proc/<pid>/stat (user + system, in clock ticks). On a
// shared machine throughput depends on what else runs; CPU milliseconds per request do not, so
// they say what each path costs, and so what bounds it.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
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

/** The whole machine's CPU ticks so far, from /proc/stat's first line (every core). */
function machineTicks() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)
  // user nice system idle iowait irq softirq steal (guest time is counted in user already).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(1, 9).map(Number)
  return {
    busy: user! + nice! + system! + irq! + softirq!,
    idle: idle! + iowait!,
    steal: steal ?? 0,
  }
}

export type MachineCpu = {
  /** CPU seconds every process of the machine spent, all cores together. */
  busySeconds: number
  /** CPU seconds the hypervisor gave to something else while this VM's cores wanted to run. */
  stealSeconds: number
  wallSeconds: number
  cores: number
  /** Busy seconds over the cores' wall seconds: 1 is every core busy all the time. */
  busyShare: number
}

/**
 * Starts counting the whole machine's CPU. On a machine the run saturates, throughput is bound
 * by the CPU every process spends per operation together (the sender, the SMTP sink, PostgreSQL,
 * Redis), whichever of them spends it; steal says how much a noisy VM host took away.
 */
export function measureMachineCpu() {
  const start = machineTicks()
  const startedAt = performance.now()
  return {
    stop(): MachineCpu {
      const end = machineTicks()
      const wallSeconds = (performance.now() - startedAt) / 1000
      const cores = os.cpus().length
      const busySeconds = (end.busy - start.busy) / TICKS_PER_SECOND
      return {
        busySeconds,
        stealSeconds: (end.steal - start.steal) / TICKS_PER_SECOND,
        wallSeconds,
        cores,
        busyShare: busySeconds / (wallSeconds * cores),
      }
    },
  }
}
