'use strict';
/**
 * Turns jest's `--json` results into the one plain closing line CI reads:
 * `N passed, N failed, N skipped`. A suite that failed to run (syntax error, a throw in
 * beforeAll) has no test results of its own, so each counts as one failed test: it must never
 * vanish from the count. `ok` is false when anything failed, jest exited non-zero, or no test ran.
 */
function summarise(results, jestStatus) {
  if (!results) return { line: '0 passed, 1 failed, 0 skipped', ok: false };
  const passed = results.numPassedTests ?? 0;
  const failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0);
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  const ok = jestStatus === 0 && failed === 0 && passed > 0;
  return { line: `${passed} passed, ${failed} failed, ${skipped} skipped`, ok };
}

module.exports = { summarise };
