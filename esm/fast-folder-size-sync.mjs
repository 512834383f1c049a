// ESM entry for the drop-in: the CommonJS build is the one implementation.
import cjs from '../dist/src/compat/fast-folder-size-sync.js'

export default cjs
