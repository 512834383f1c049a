/**
 * The TypeScript walker on worker threads through the suites of walker-typescript.spec.ts
 * that scan (not the loader's): every tree goes to the workers (no entry walked on the
 * calling thread first), at 1 worker (`threads: 1`) and at 2 (the default, pinned here).
 * The groups suite has a file of its own (walker-parallel-groups.spec.ts).
 */
process.env.DIRSIZE_NATIVE = '0'
process.env.DIRSIZE_TS_SERIAL = '0'
process.env.DIRSIZE_TS_WORKERS = '2'
require('./totals.spec')
require('./edges.spec')
require('./options.spec')
require('./exclude.spec')
require('./inputs.spec')
