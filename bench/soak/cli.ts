import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { quietSdkNodeNotice } from '../../local/sdk-notice';
import { runSoak, type SoakReport } from './soak';

/**
 * `npm run soak [-- --seed N --cycles N --models N --aggregators N]`: the fault-injection soak
 * on the local stack. Prints the seed first, one line per cycle, the faults injected, then
 * one figure per line; exits non-zero (naming the seed) when any figure is not zero.
 */
quietSdkNodeNotice();
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    cycles: { type: 'string', default: '12' },
    models: { type: 'string', default: '60' },
    agencies: { type: 'string', default: '3' },
    history: { type: 'string', default: '200' },
    aggregators: { type: 'string', default: '4' },
  },
});
const int = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
};
const seed = values.seed === undefined ? randomInt(1, 2 ** 31 - 1) : int('seed', values.seed);
console.log(`soak seed ${seed} (reproduce: npm run soak -- --seed ${seed})`);

const report: SoakReport = await runSoak({
  seed,
  cycles: int('cycles', values.cycles),
  models: int('models', values.models),
  agencies: int('agencies', values.agencies),
  historyRows: int('history', values.history),
  aggregators: int('aggregators', values.aggregators),
  log: (line) => console.log(line),
});

console.log(
  `\n${report.cycles} fault cycles, ${report.models} models in ${report.agencies} agencies, ${report.rows} source rows, ${report.seconds.toFixed(0)} s`,
);
console.log('faults injected:');
for (const [kind, n] of Object.entries(report.faults)) console.log(`  ${kind}: ${n}`);
for (const line of report.details) console.log(`  ! ${line}`);
console.log('figures (all must be 0):');
for (const [name, value] of Object.entries(report.figures)) console.log(`${name}: ${value}`);
const bad = Object.entries(report.figures).filter(([, v]) => v !== 0);
if (bad.length > 0) {
  console.error(`\nsoak FAILED with seed ${seed}: ${bad.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  console.error(`reproduce: npm run soak -- --seed ${seed} --cycles ${report.cycles} --models ${report.models}`);
  process.exit(1);
}
console.log(`\nsoak passed (seed ${seed})`);
