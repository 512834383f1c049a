/**
 * du's `--exclude` list over the path du forms for each entry: the twin of src-rs/exclude.rs
 * (its comment gives the rules and why the name-only shortcut is exact).
 */
import { Pattern } from './fnmatch'

const SLASH = 0x2f
const BACKSLASH = 0x5c

type Rule = { literal: Buffer } | { glob: Pattern }

function rule(pattern: Buffer): Rule {
  return hasWildcards(pattern) ? { glob: new Pattern(pattern) } : { literal: unescape(pattern) }
}

/** Whether du's exclude.c says `path` matches. */
function ruleMatches(r: Rule, path: Buffer): boolean {
  if ('literal' in r) {
    const text = r.literal
    if (path.equals(text)) return true
    for (let i = 0; i < path.length; i++) {
      if (path[i] === SLASH && path.length - i - 1 === text.length && path.subarray(i + 1).equals(text)) return true
    }
    return false
  }
  if (r.glob.matches(path)) return true
  for (let i = 0; i < path.length; i++) {
    if (path[i] === SLASH && path[i + 1] !== SLASH && r.glob.matches(path.subarray(i + 1))) return true
  }
  return false
}

export class Exclude {
  /** Every rule: a root is always tested on its whole path. */
  private readonly all: Rule[] = []
  /** Rules only an entry's own name can match: literal ones as strings of latin1 bytes. */
  private readonly names = new Set<string>()
  private readonly nameGlobs: Pattern[] = []
  private readonly paths: Rule[] = []

  /** `patterns` hold no NUL (options.ts rejects them). */
  constructor(patterns: readonly string[]) {
    for (const text of patterns) {
      const p = Buffer.from(text, 'utf8')
      const r = rule(p)
      if ('literal' in r && !r.literal.includes(SLASH)) this.names.add(r.literal.toString('latin1'))
      else if ('glob' in r && nameOnly(p)) this.nameGlobs.push(r.glob)
      else this.paths.push(r)
      this.all.push(r)
    }
  }

  get isEmpty(): boolean {
    return this.all.length === 0
  }

  /** Whether some pattern needs an entry's whole path, not just its name. */
  get needsPath(): boolean {
    return this.paths.length > 0
  }

  /** An entry below a root, by its name and (when `needsPath`) the path du forms for it. */
  excludes(name: Buffer, path: Buffer | undefined): boolean {
    if (this.names.size > 0 && this.names.has(name.toString('latin1'))) return true
    for (const g of this.nameGlobs) if (g.matches(name)) return true
    if (path) for (const r of this.paths) if (ruleMatches(r, path)) return true
    return false
  }

  /** A root, as given: du tests its path too. */
  excludesRoot(root: Buffer): boolean {
    const path = duRoot(root)
    return this.all.some((r) => ruleMatches(r, path))
  }
}

/** gnulib's fnmatch_pattern_has_wildcards for EXCLUDE_WILDCARDS: an unquoted `*`, `?`, `[`. */
function hasWildcards(p: Buffer): boolean {
  for (let i = 0; i < p.length; i++) {
    const b = p[i]!
    if (b === BACKSLASH) i++
    else if (b === 0x2a || b === 0x3f || b === 0x5b) return true
  }
  return false
}

/** The pattern as du stores a literal one: each `\x` becomes `x`; a trailing `\` stays. */
function unescape(p: Buffer): Buffer {
  const out: number[] = []
  for (let i = 0; i < p.length; i++) {
    if (p[i] === BACKSLASH && i + 1 < p.length) i++
    out.push(p[i]!)
  }
  return Buffer.from(out)
}

/** See src-rs/exclude.rs `name_only`: a run of `*`, then one-character items that never match `/`. */
function nameOnly(p: Buffer): boolean {
  let i = 0
  while (i < p.length && p[i] === 0x2a) i++
  while (i < p.length) {
    const b = p[i]!
    if (b === SLASH || b === 0x2a || b === 0x3f) return false
    if (b === BACKSLASH) {
      if (i + 1 >= p.length || p[i + 1] === SLASH) return false
      i += 2
    } else if (b === 0x5b) {
      const len = simpleBracket(p.subarray(i + 1))
      if (len === undefined) return false
      i += 1 + len
    } else {
      i++
    }
  }
  return true
}

/** The length (`]` included) of a bracket body of characters and ASCII ranges without `/`. */
function simpleBracket(body: Buffer): number | undefined {
  if (body[0] === 0x21 || body[0] === 0x5e) return undefined
  let i = 0
  for (;;) {
    if (i >= body.length) return undefined
    const b = body[i]!
    if (b === 0x5d && i > 0) return i + 1
    if (b === SLASH || b === 0x5b || b === BACKSLASH) return undefined
    if (b === 0x2d && i > 0 && body[i + 1] !== 0x5d) return undefined
    const ranged = body[i + 1] === 0x2d && i + 2 < body.length && body[i + 2] !== 0x5d
    if (!ranged) {
      i++
      continue
    }
    const high = body[i + 2]!
    if (b >= 0x80 || high >= 0x80 || high === SLASH || high === 0x5b || high === BACKSLASH) return undefined
    if (b <= SLASH && SLASH <= high) return undefined
    i += 3
  }
}

/** Read with `/` separators: on Windows a `\` in a path is one. */
function slashes(p: Buffer): Buffer {
  if (process.platform !== 'win32' || !p.includes(BACKSLASH)) return p
  return Buffer.from(p.map((b) => (b === BACKSLASH ? SLASH : b)))
}

/** The path du forms for a root: fts trims two or more trailing slashes to one (`//` stays). */
export function duRoot(root: Buffer): Buffer {
  const p = slashes(root)
  let len = p.length
  if (len > 2 && p[len - 1] === SLASH) while (len > 1 && p[len - 2] === SLASH) len--
  return len === p.length ? p : p.subarray(0, len)
}

/** The path du forms for an entry of a directory whose du path is `dir`: one `/` between. */
export function duChild(dir: Buffer, name: Buffer): Buffer {
  return dir.length > 0 && dir[dir.length - 1] === SLASH ? Buffer.concat([dir, name]) : Buffer.concat([dir, Buffer.from('/'), name])
}
