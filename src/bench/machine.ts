/** What machine the figures come from. */
import { execFileSync } from 'node:child_process'
import os from 'node:os'

export interface Machine {
  cores: number
  cpu: string
  memoryGiB: number
  kernel: string
  filesystem: string
  node: string
}

export function machine(dir: string): Machine {
  let filesystem = 'unknown'
  try {
    filesystem = execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim()
  } catch {
    // not fatal: stat -f is GNU coreutils
  }
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    filesystem,
    node: process.version,
  }
}
