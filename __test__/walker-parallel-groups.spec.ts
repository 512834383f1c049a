/**
 * The groups suite on the TypeScript walker's worker threads, as walker-parallel.spec.ts runs
 * the others. A file of its own: its age test makes files two minutes inside their buckets'
 * bounds, and in a file with five more suites under load its scan came later than that.
 */
process.env.DIRSIZE_NATIVE = '0'
process.env.DIRSIZE_TS_SERIAL = '0'
process.env.DIRSIZE_TS_WORKERS = '2'
require('./groups.spec')
