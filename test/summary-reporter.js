/**
 * Prints one plain line, "N passed, N failed[, N skipped]", from Jest's aggregated results
 * (the same numbers as `jest --json`). Suites that could not run count as failed, so a run
 * that broke before any test executed never reads as a pass.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    let failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    if (failed === 0) failed = results.numFailedTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
  }
}
