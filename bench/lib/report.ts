// The bench's output: one row per scenario (throughput, latency, peak memory, the limit measured
// in the same run, the ratio and whether the target was met), the invariants checked afterwards,
// and a JSON file under bench/results/.
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from './services.ts'

export type Row = {
  scenario: string
  throughput: number
  unit: string
  p50?: number
  p99?: number
  /** Peak resident memory of the processes doing the work: all of them, and the largest one. */
  rssTotalMb?: number
  rssProcessMb?: number
  /** How much the largest-growing process grew during the scenario. */
  rssGrowthMb?: number
  limit?: number
  /** CPU milliseconds per operation of the processes doing the work, and of the limit's. */
  cpuMs?: number
  limitCpuMs?: number
  ratio?: number
  target?: string
  met?: boolean
  notes?: string
  details?: Record<string, unknown>
}

export type Invariant = { name: string; ok: boolean; detail: string }

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits)

export function formatTable(rows: Row[]) {
  const header = [
    'scenario',
    'throughput',
    'p50 ms',
    'p99 ms',
    'peak RSS MB all / largest (+growth)',
    'CPU ms/op (limit)',
    'limit',
    'ratio',
    'target',
    'met?',
  ]
  const lines = rows.map((row) => [
    row.scenario,
    `${fixed(row.throughput, row.throughput < 100 ? 1 : 0)} ${row.unit}`,
    fixed(row.p50, 1),
    fixed(row.p99, 1),
    row.rssTotalMb === undefined
      ? '-'
      : `${fixed(row.rssTotalMb)} / ${fixed(row.rssProcessMb)}${row.rssGrowthMb === undefined ? '' : ` (+${fixed(row.rssGrowthMb)})`}`,
    row.cpuMs === undefined
      ? '-'
      : `${fixed(row.cpuMs, 2)}${row.limitCpuMs === undefined ? '' : ` (${fixed(row.limitCpuMs, 2)})`}`,
    row.limit === undefined ? '-' : `${fixed(row.limit, row.limit < 100 ? 1 : 0)} ${row.unit}`,
    row.ratio === undefined ? '-' : `${row.ratio.toFixed(row.ratio < 0.1 ? 3 : 2)}x`,
    row.target ?? '-',
    row.met === undefined ? '-' : row.met ? 'yes' : 'target missed',
  ])
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((line) => line[i]!.length)),
  )
  const render = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [
    render(header),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...lines.map(render),
  ].join('\n')
}

export function formatInvariants(invariants: Invariant[]) {
  return invariants
    .map((check) => `  ${check.ok ? 'ok    ' : 'BROKEN'} ${check.name}: ${check.detail}`)
    .join('\n')
}

export function writeResults(name: string, content: unknown) {
  const dir = path.join(projectRoot, 'bench', 'results')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}.json`)
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`)
  return path.relative(projectRoot, file)
}
