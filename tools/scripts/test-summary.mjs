// Totals the Jest JSON results of every project that has a test target and prints one line:
// `N passed, N failed[, N skipped]`, after naming every failed test and broken suite. Exits 1 when anything failed or a project left no results.
// usage: node tools/scripts/test-summary.mjs [--quiet]
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { projectsWithTarget, root } from './workspace.mjs';

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const project of projectsWithTarget('test')) {
  const file = join(root, project.root, 'jest-results.json');
  if (!existsSync(file)) {
    failed++;
    problems.push(`${project.name}: no results (its tests did not run to the end)`);
    continue;
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + result.numTodoTests;
  // A suite that failed outside its tests (a syntax error, a failing hook, an error thrown after its tests
  // passed) has no failed tests of its own: count it.
  const broken = result.testResults.filter(
    (suite) => suite.status === 'failed' && !suite.assertionResults.some((test) => test.status === 'failed'),
  );
  failed += broken.length;
  for (const suite of broken) problems.push(`${project.name}: suite failed to run: ${suite.name}`);
  for (const suite of result.testResults) {
    for (const test of suite.assertionResults.filter((t) => t.status === 'failed')) {
      // The first lines of the failure, without colours: what was expected, and what came.
      const why = (test.failureMessages[0] ?? '')
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(0, 4)
        .join(' | ');
      problems.push(
        `${project.name}: failed: ${relative(root, suite.name)} › ${test.fullName}: ${why.slice(0, 400)}`,
      );
    }
  }
}
for (const problem of problems) console.error(problem);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
