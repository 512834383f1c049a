// The ESM face of the CommonJS declarations. An ESM importer's default import of a CommonJS
// module is its whole module.exports, so re-exporting that `default` would type the default
// import as the namespace object (not callable); index.mjs exports cjs.dirsize, and so do these types.
import { dirsize } from '../dist/index.js'

export * from '../dist/index.js'
export default dirsize
