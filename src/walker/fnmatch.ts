/**
 * fnmatch(3) as du --exclude calls it: glibc 2.36's `fnmatch(pattern, name, 0)` under a UTF-8
 * locale (C.UTF-8). The twin of src-rs/fnmatch.rs, rule for rule (its comment lists them);
 * both answer the same vectors from glibc (__test__/fixtures/fnmatch.json).
 *
 * Units are bytes, or code points when pattern and name are both UTF-8 as glibc decodes it;
 * a name matches if either way matches, as glibc falls back to bytes.
 */
import * as ct from './fnmatch-ctype'

/** The end of the pattern, as C's terminating NUL: neither a pattern nor a name holds a 0. */
const END = 0
/** The longest class name glibc tries (CHARCLASS_NAME_MAX). */
const CLASS_NAME_MAX = 2048

type Units = Uint8Array | readonly number[]

const enum Mode { Wide, Byte }

const C = (s: string): number => s.charCodeAt(0)
const BANG = C('!'), CARET = C('^'), STAR = C('*'), QUESTION = C('?'), BACKSLASH = C('\\')
const OPEN = C('['), CLOSE = C(']'), COLON = C(':'), EQUALS = C('='), DOT = C('.'), DASH = C('-')
const LOW_A = C('a'), LOW_Z = C('z')

/** A pattern, decoded once for both ways of matching. */
export class Pattern {
  private readonly bytes: Uint8Array
  private readonly wide: number[] | undefined
  private readonly ascii: boolean

  /** `pattern` holds no 0 byte (it cannot reach fnmatch through C). */
  constructor(pattern: Uint8Array) {
    this.bytes = pattern
    this.wide = decode(pattern)
    this.ascii = isAscii(pattern)
  }

  /** Whether fnmatch(pattern, name, 0) is 0. */
  matches(name: Uint8Array): boolean {
    // Both ASCII: the two ways are one (same units, same classes, same order).
    if (this.ascii && isAscii(name)) return run(this.bytes, name, Mode.Byte)
    if (this.wide) {
      const chars = decode(name)
      if (chars && run(this.wide, chars, Mode.Wide)) return true
    }
    return run(this.bytes, name, Mode.Byte)
  }
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false
  return true
}

/**
 * UTF-8 as glibc's mbsrtowcs reads it: up to 6 bytes a character (code points up to
 * 0x7FFFFFFF), no overlong form, no surrogate; undefined if any sequence is invalid.
 */
export function decode(b: Uint8Array): number[] | undefined {
  const out: number[] = []
  let i = 0
  while (i < b.length) {
    const lead = b[i]!
    let len: number, min: number, c: number
    if (lead < 0x80) {
      out.push(lead)
      i++
      continue
    } else if (lead >= 0xc0 && lead <= 0xdf) [len, min, c] = [2, 0x80, lead & 0x1f]
    else if (lead >= 0xe0 && lead <= 0xef) [len, min, c] = [3, 0x800, lead & 0x0f]
    else if (lead >= 0xf0 && lead <= 0xf7) [len, min, c] = [4, 0x1_0000, lead & 0x07]
    else if (lead >= 0xf8 && lead <= 0xfb) [len, min, c] = [5, 0x20_0000, lead & 0x03]
    else if (lead >= 0xfc && lead <= 0xfd) [len, min, c] = [6, 0x400_0000, lead & 0x01]
    else return undefined
    if (i + len > b.length) return undefined
    for (let k = 1; k < len; k++) {
      const next = b[i + k]!
      if ((next & 0xc0) !== 0x80) return undefined
      // Multiplication, not <<: a 6-byte character needs 31 bits, past a signed shift.
      c = c * 64 + (next & 0x3f)
    }
    if (c < min || (c >= 0xd800 && c <= 0xdfff)) return undefined
    out.push(c)
    i += len
  }
  return out
}

function within(table: readonly number[], c: number): boolean {
  let lo = 0
  let hi = table.length / 2 - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (table[2 * mid + 1]! < c) lo = mid + 1
    else if (table[2 * mid]! > c) hi = mid - 1
    else return true
  }
  return false
}

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => within(ct.ALPHA, c) || within(ct.DIGIT, c),
  alpha: (c) => within(ct.ALPHA, c),
  blank: (c) => within(ct.BLANK, c),
  cntrl: (c) => within(ct.CNTRL, c),
  combining: (c) => within(ct.COMBINING, c),
  digit: (c) => within(ct.DIGIT, c),
  graph: (c) => within(ct.PRINT, c) && !within(ct.SPACE, c),
  lower: (c) => within(ct.LOWER, c),
  print: (c) => within(ct.PRINT, c),
  punct: (c) => within(ct.PRINT, c) && !within(ct.SPACE, c) && !within(ct.ALPHA, c) && !within(ct.DIGIT, c),
  space: (c) => within(ct.SPACE, c),
  upper: (c) => within(ct.UPPER, c),
  xdigit: (c) => within(ct.XDIGIT, c),
}

function classNamed(name: number[]): ((c: number) => boolean) | undefined {
  const text = String.fromCharCode(...name)
  return Object.prototype.hasOwnProperty.call(CLASSES, text) ? CLASSES[text] : undefined
}

function inClass(test: (c: number) => boolean, c: number, mode: Mode): boolean {
  // Bytes from 0x80 up are not characters of a UTF-8 locale: in no class.
  if (mode === Mode.Byte && c >= 0x80) return false
  return test(c)
}

/** A character's place in range comparisons, if the locale gives it one. */
function order(c: number, mode: Mode): number | undefined {
  return mode === Mode.Byte || c <= 0xff ? c : undefined
}

const MATCH = -1
const NO_MATCH = -2
/** A segment reached a `*`: [pattern index, name index]. */
type Outcome = typeof MATCH | typeof NO_MATCH | [number, number]

const UNCLOSED = -3
/** The pattern index after a matched bracket, NO_MATCH, or UNCLOSED. */
type Bracket = number

function run(p: Units, s: Units, mode: Mode): boolean {
  return new Matcher(p, s, mode).from(0, 0, false) === MATCH
}

class Matcher {
  constructor(private readonly p: Units, private readonly s: Units, private readonly mode: Mode) {}

  private pat(i: number): number {
    return i < this.p.length ? this.p[i]! : END
  }

  /**
   * Matches the pattern from `pi` against the name from `si`. A `segment` stops at the next
   * `*` and says where: glibc matches the text between two stars at the first place it fits
   * and never comes back to the earlier star, and so does this.
   */
  from(pi: number, si: number, segment: boolean): Outcome {
    const s = this.s
    const len = s.length
    for (;;) {
      const c = this.pat(pi++)
      if (c === END) return si === len ? MATCH : NO_MATCH
      if (c === QUESTION) {
        if (si === len) return NO_MATCH
        si++
      } else if (c === BACKSLASH) {
        const quoted = this.pat(pi++)
        if (quoted === END || si === len || s[si] !== quoted) return NO_MATCH
        si++
      } else if (c === STAR) {
        if (segment) return [pi - 1, si]
        // Stars and question marks in a row: one star, each `?` one unit.
        let next = this.pat(pi++)
        while (next === STAR || next === QUESTION) {
          if (next === QUESTION) {
            if (si === len) return NO_MATCH
            si++
          }
          next = this.pat(pi++)
        }
        if (next === END) return MATCH
        const start = pi - 1
        // What the name's unit must be for the rest to have a chance (`[`: any).
        const first = next === OPEN ? undefined : next === BACKSLASH ? this.pat(pi) : next
        let resume: [number, number] | undefined
        for (let at = si; at < len; at++) {
          if (first !== undefined && first !== s[at]) continue
          const r = this.from(start, at, true)
          if (r === MATCH) return MATCH
          if (r !== NO_MATCH) {
            resume = r
            break
          }
        }
        if (!resume) return NO_MATCH
        ;[pi, si] = resume
      } else if (c === OPEN) {
        if (si === len) return NO_MATCH
        const r = this.bracket(pi, s[si]!)
        if (r === NO_MATCH) return NO_MATCH
        if (r === UNCLOSED) {
          if (s[si] !== OPEN) return NO_MATCH
        } else {
          pi = r
        }
        si++
      } else {
        if (si === len || s[si] !== c) return NO_MATCH
        si++
      }
    }
  }

  /**
   * Scans `[...]` from just after its `[` against the unit `u`, as glibc does. Once an item
   * has matched, glibc scans on for the `]` by other, stricter rules (`skip`): `[a[=b]`
   * matches `b` and `[` but not `a`.
   */
  private bracket(start: number, u: number): Bracket {
    let p = start
    const negated = this.pat(p) === BANG || this.pat(p) === CARET
    if (negated) p++
    let c = this.pat(p++)
    let hit: boolean
    for (;;) {
      // An item that may start a range: a plain character or a collating symbol.
      let plain: number | undefined
      let symbol: number | undefined
      if (c === BACKSLASH) {
        if (this.pat(p) === END) return NO_MATCH
        plain = this.pat(p++)
      } else if (c === OPEN && this.pat(p) === COLON) {
        const scan = this.className(p)
        if (scan === NO_MATCH) return NO_MATCH
        if (scan === undefined) {
          // Not a class after all: `[` is a plain character, and `:` comes next.
          plain = OPEN
        } else {
          const test = classNamed(scan[0])
          if (!test) return NO_MATCH
          p = scan[1]
          if (inClass(test, u, this.mode)) {
            hit = true
            break
          }
        }
      } else if (c === OPEN && this.pat(p) === EQUALS) {
        const sym = this.pat(p + 1)
        if (sym !== END && this.pat(p + 2) === EQUALS && this.pat(p + 3) === CLOSE) {
          p += 4
          if (u === sym) {
            hit = true
            break
          }
        } else {
          plain = OPEN
        }
      } else if (c === END) {
        return UNCLOSED
      } else if (c === OPEN && this.pat(p) === DOT) {
        const found = this.collating(p)
        if (!found) return NO_MATCH
        const [sym, length, after] = found
        p = after
        const ranged = this.pat(p) === DASH && this.pat(p + 1) !== END
        if (length !== 1) return NO_MATCH
        if (!ranged && u === sym) {
          hit = true
          break
        }
        symbol = sym
      } else {
        plain = c
      }
      let low = symbol
      if (plain !== undefined) {
        const ranged = this.pat(p) === DASH && this.pat(p + 1) !== END && this.pat(p + 1) !== CLOSE
        if (!ranged && plain === u) {
          hit = true
          break
        }
        low = plain
      }
      c = this.pat(p++)
      if (low !== undefined && c === DASH && this.pat(p) !== CLOSE) {
        const r = this.range(low, p, u)
        if (r === NO_MATCH) return NO_MATCH
        p = r[1]
        if (r[0]) {
          hit = true
          break
        }
        c = this.pat(p++)
      }
      if (c === CLOSE) {
        hit = false
        break
      }
    }
    if (hit) return this.skip(p, negated)
    return negated ? p : NO_MATCH
  }

  /** `[:name:]` from its `:`: [name, index after `:]`], undefined (not a class), or NO_MATCH. */
  private className(p: number): [number[], number] | undefined | typeof NO_MATCH {
    const name: number[] = []
    for (let at = p + 1; ; at++) {
      if (name.length === CLASS_NAME_MAX) return NO_MATCH
      const n = this.pat(at)
      if (n === COLON && this.pat(at + 1) === CLOSE) return [name, at + 2]
      // glibc only reads a..y as a name ('z' spells no class it knows).
      if (n < LOW_A || n >= LOW_Z) return undefined
      name.push(n)
    }
  }

  /** `[.x.]` from its `.`: [first unit of x, its length, index after `.]`]. */
  private collating(p: number): [number, number, number] | undefined {
    for (let at = p + 1; ; at++) {
      const n = this.pat(at)
      if (n === DOT && this.pat(at + 1) === CLOSE) return [this.pat(p + 1), at - p - 1, at + 2]
      if (n === END) return undefined
    }
  }

  /**
   * A range from `low` to the item at `p` (just past the `-`), against `u`: [matched, index
   * past the range], or NO_MATCH when glibc gives up on the whole pattern.
   */
  private range(low: number, p: number, u: number): [boolean, number] | typeof NO_MATCH {
    let high = this.pat(p++)
    // A unit with no place in the order is in no range, and glibc stops reading this range
    // right there (so `[a-\]x]` ends at the quoted `]` for it).
    const at = order(u, this.mode)
    if (at === undefined) return [false, p]
    if (high === OPEN && this.pat(p) === DOT) {
      const found = this.collating(p)
      if (!found) return NO_MATCH
      p = found[2]
      if (found[1] !== 1) return NO_MATCH
      high = found[0]
    } else {
      if (high === BACKSLASH) high = this.pat(p++)
      if (high === END) return NO_MATCH
    }
    const from = order(low, this.mode)
    const fromAt = from ?? Infinity
    if (from !== undefined && fromAt > at) return [false, p]
    const to = order(high, this.mode)
    // An end with no place: the range holds its start only.
    if (to === undefined) return [fromAt === at, p]
    return [fromAt <= to && at <= to, p]
  }

  /** The rest of a bracket that has matched, from `p`: where the pattern goes on. */
  private skip(p: number, negated: boolean): Bracket {
    for (;;) {
      const c = this.pat(p++)
      if (c === CLOSE) break
      if (c === END) return UNCLOSED
      if (c === BACKSLASH) {
        if (this.pat(p) === END) return NO_MATCH
        p++
      } else if (c === OPEN && this.pat(p) === COLON) {
        const open = p
        let count = 0
        for (;;) {
          const n = this.pat(++p)
          if (++count === CLASS_NAME_MAX) return NO_MATCH
          if (n === COLON && this.pat(p + 1) === CLOSE) {
            p += 2
            break
          }
          if (n < LOW_A || n >= LOW_Z) {
            p = open
            break
          }
        }
      } else if (c === OPEN && this.pat(p) === EQUALS) {
        if (this.pat(p + 1) === END || this.pat(p + 2) !== EQUALS || this.pat(p + 3) !== CLOSE) return NO_MATCH
        p += 4
      } else if (c === OPEN && this.pat(p) === DOT) {
        for (;;) {
          const n = this.pat(++p)
          if (n === END) return NO_MATCH
          if (n === DOT && this.pat(p + 1) === CLOSE) break
        }
        p += 2
      }
    }
    return negated ? NO_MATCH : p
  }
}
