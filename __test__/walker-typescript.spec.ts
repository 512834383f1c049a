/**
 * The TypeScript walker (DIRSIZE_NATIVE=0) through the same suites as the native scan: the
 * totals against du, du's edges, the options, exclude, what the API takes (inputs), and the
 * CLI's per-root output.
 */
process.env.DIRSIZE_NATIVE = '0'
require('./totals.spec')
require('./edges.spec')
require('./options.spec')
require('./exclude.spec')
require('./inputs.spec')
require('./load.spec')
require('./diff.spec')
require('./groups.spec')
