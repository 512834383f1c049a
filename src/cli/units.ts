/**
 * The units sizes print in: du -h / --si, or blocks of N bytes (-b, -k, -m, -B SIZE), with
 * SIZE read exactly as du 9.1 reads it (gnulib's human_options over xstrtoumax).
 */
import { ceilDiv, human } from './format'

export type Units =
  | { kind: 'human'; si: boolean }
  /** `ceil(size / bytes)`, then `suffix` (only `-B K`, `-B MB`... print one). */
  | { kind: 'blocks'; bytes: bigint; suffix: string }

export const HUMAN: Units = { kind: 'human', si: false }
export const SI: Units = { kind: 'human', si: true }
export const BYTES: Units = { kind: 'blocks', bytes: 1n, suffix: '' }
export const KIB: Units = { kind: 'blocks', bytes: 1024n, suffix: '' }
export const MIB: Units = { kind: 'blocks', bytes: 1024n * 1024n, suffix: '' }

/** Why du would refuse a -B argument; the names are du's own messages. */
export type SizeError = 'invalid' | 'invalid suffix' | 'too large'

const U64_MAX = (1n << 64n) - 1n
// C's isspace in the C locale: strtoumax skips these before the number.
const SPACE = ' \t\n\v\f\r'
// du passes these to xstrtoumax; '0' allows a second suffix (B, iB, D).
const VALID_SUFFIXES = 'eEgGkKmMpPtTYZ0'
const POWER: Record<string, bigint> = { k: 1n, K: 1n, m: 2n, M: 2n, g: 3n, G: 3n, t: 4n, T: 4n, P: 5n, E: 6n, Z: 7n, Y: 8n }
const POWER_LETTER = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']

/** The units `-B SIZE` names, or du's reason to refuse it. */
export function parseBlockSize(spec: string): Units | SizeError {
  // A leading ' asks for digit grouping by the locale; the C locale du is tested in has no
  // separator, so it changes nothing.
  const s = spec.startsWith("'") ? spec.slice(1) : spec
  const named = argmatch(s, ['human-readable', 'si'])
  if (named === 0) return HUMAN
  if (named === 1) return SI
  const n = xstrtoumax(s)
  if (n.error === 'invalid') return 'invalid'
  // A block size of 0 is refused as invalid whatever else went wrong (human_options).
  if (n.value === 0n) return 'invalid'
  if (n.error) return n.error
  // A size given by its suffix alone (-B K, -B MB, -B KiB) prints that suffix after each number.
  if (/[0-9]/.test(s.slice(0, n.end))) return { kind: 'blocks', bytes: n.value, suffix: '' }
  const b = s[n.end - 1] === 'B'
  const base1024 = !b || s[n.end - 2] === 'i'
  let exponent = 0
  for (let power = 1n; power < n.value; power *= base1024 ? 1024n : 1000n) {
    if (++exponent === POWER_LETTER.length - 1) break
  }
  let suffix = !base1024 && exponent === 1 ? 'k' : POWER_LETTER[exponent]!
  if (b) suffix += base1024 && exponent ? 'iB' : 'B'
  return { kind: 'blocks', bytes: n.value, suffix }
}

/** glibc's argmatch: an exact name, or an abbreviation of exactly one; -1 for none or several. */
function argmatch(arg: string, names: string[]): number {
  const exact = names.indexOf(arg)
  if (exact >= 0) return exact
  const prefixed = names.flatMap((name, i) => (name.startsWith(arg) ? [i] : []))
  return prefixed.length === 1 ? prefixed[0]! : -1
}

interface Parsed {
  value: bigint
  /** Index just past what was read (the number and its suffixes). */
  end: number
  error?: SizeError
}

/** gnulib's xstrtoumax(s, &end, 0, &value, "eEgGkKmMpPtTYZ0"). */
function xstrtoumax(s: string): Parsed | { error: 'invalid' } {
  let i = 0
  while (i < s.length && SPACE.includes(s[i]!)) i++
  if (s[i] === '-') return { error: 'invalid' }
  const num = strtoumax(s, i)
  let value: bigint
  let overflow = false
  let p: number
  if (num === undefined) {
    // No number, but a valid suffix: the number is 1 (-B K is -B 1K).
    if (s.length === 0 || !VALID_SUFFIXES.includes(s[0]!)) return { error: 'invalid' }
    value = 1n
    p = 0
  } else {
    ;({ value, end: p, overflow } = num)
  }
  const suffixError = (v: bigint): Parsed => ({ value: v, end: p, error: 'invalid suffix' })
  if (p === s.length) return overflow ? { value, end: p, error: 'too large' } : { value, end: p }
  const c = s[p]!
  if (!VALID_SUFFIXES.includes(c) || POWER[c] === undefined) return suffixError(value)
  let base = 1024n
  let suffixes = 1
  if (s[p + 1] === 'i') {
    if (s[p + 2] === 'B') suffixes += 2
  } else if (s[p + 1] === 'B' || s[p + 1] === 'D') {
    base = 1000n
    suffixes++
  }
  value *= base ** POWER[c]!
  if (value > U64_MAX) {
    value = U64_MAX
    overflow = true
  }
  p += suffixes
  if (p < s.length) return suffixError(value)
  return overflow ? { value, end: p, error: 'too large' } : { value, end: p }
}

/** C's strtoumax(s + from, &end, 0): decimal, 0x hex or 0 octal; saturates at 2^64 - 1. */
function strtoumax(s: string, from: number): { value: bigint; end: number; overflow: boolean } | undefined {
  let i = from
  if (s[i] === '+') i++
  let radix = 10
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    radix = 16
    i += 2
  } else if (s[i] === '0') {
    radix = 8
  }
  const start = i
  let value = 0n
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, radix)
    if (Number.isNaN(d)) break
    value = value * BigInt(radix) + BigInt(d)
  }
  if (i === start) return undefined
  return value > U64_MAX ? { value: U64_MAX, end: i, overflow: true } : { value, end: i, overflow: false }
}

/** A size as du prints it in these units: exact digits, rounded up, whatever its magnitude. */
export function formatSize(size: bigint, units: Units): string {
  if (units.kind === 'human') return human(size, units.si)
  return `${ceilDiv(size, units.bytes)}${units.suffix}`
}
