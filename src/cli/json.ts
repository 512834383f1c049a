/**
 * JSON text for the CLI, with every bigint written as its exact integer literal: sizes past
 * 2^53 (and past 2^64) are printed digit for digit, where JSON.stringify would refuse them
 * and Number would round them. The layout is JSON.stringify's, compact or indented by 2.
 */

export function toJson(value: unknown, indent = false): string {
  return write(value, indent ? '\n' : '')
}

function write(v: unknown, nl: string): string {
  if (typeof v === 'bigint') return v.toString()
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
  const inner = nl ? `${nl}  ` : ''
  const sep = nl ? ': ' : ':'
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]'
    return `[${v.map((x) => `${inner}${x === undefined ? 'null' : write(x, inner)}`).join(',')}${nl}]`
  }
  const fields = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function')
  if (fields.length === 0) return '{}'
  return `{${fields.map(([k, x]) => `${inner}${JSON.stringify(k)}${sep}${write(x, inner)}`).join(',')}${nl}}`
}
