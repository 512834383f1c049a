/** How the CLI shows sizes and paths in text mode. */

const UNITS_1024 = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']
const UNITS_1000 = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']

/**
 * du -h's format: under the base, the plain number; else one decimal below 10 and none
 * above, always rounded up (a size is never shown smaller than it is). `--si` uses 1000.
 */
export function human(size: number | bigint, si = false): string {
  const base = si ? 1000n : 1024n
  const units = si ? UNITS_1000 : UNITS_1024
  const n = BigInt(size)
  if (n < base) return n.toString()
  let k = 0
  let d = base
  while (n >= d * base && k < units.length - 1) {
    d *= base
    k++
  }
  const tenths = ceilDiv(n * 10n, d)
  if (tenths < 100n) return `${tenths / 10n}.${tenths % 10n}${units[k]}`
  const whole = ceilDiv(n, d)
  if (whole >= base && k < units.length - 1) return `1.0${units[k + 1]}`
  return `${whole}${units[k]}`
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}

// C0 controls, DEL, and C1 controls: they move the cursor, recolour the terminal or split lines.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]/

/**
 * A path for a line of text output. Names are shown as they are, as du shows them, unless
 * they hold control characters or bytes that are not UTF-8: then those are escaped
 * (`\n`, `\t`, `\x1b`, `\xff`) and so is `\`, so one entry is always one line and the
 * terminal is never driven by a file name. `-0` prints the exact bytes instead.
 */
export function showPath(path: string, raw?: Buffer): string {
  if (!raw && !UNSAFE.test(path)) return path
  const bytes = raw ?? Buffer.from(path)
  if (!raw) return escapeText(path)
  // Walk the bytes: keep valid UTF-8 sequences, escape the rest.
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const len = utf8Length(bytes, i)
    if (len === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`
      i++
    } else {
      out += escapeText(bytes.subarray(i, i + len).toString('utf8'))
      i += len
    }
  }
  return out
}

function escapeText(s: string): string {
  return s.replace(/[\\\u0000-\u001f\u007f-\u009f]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\'
      case '\n': return '\\n'
      case '\t': return '\\t'
      case '\r': return '\\r'
      default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
    }
  })
}

/** Length of the valid UTF-8 sequence starting at i, or 0 if the byte there starts none. */
function utf8Length(b: Buffer, i: number): number {
  const c = b[i]!
  if (c < 0x80) return 1
  const need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
  if (need === 0 || i + need > b.length) return 0
  for (let j = 1; j < need; j++) if ((b[i + j]! & 0xc0) !== 0x80) return 0
  // Overlongs, surrogates and values past U+10FFFF are not valid either.
  const s = b.subarray(i, i + need).toString('utf8')
  return s.includes('\ufffd') ? 0 : need
}

/** The exact bytes of a path, for -0 output. */
export function pathBytes(path: string, raw?: Buffer): Buffer {
  return raw ?? Buffer.from(path)
}
