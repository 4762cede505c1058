// Runs the graphql-http server audits (GraphQL over HTTP specification) against a live
// Colophon; exits non-zero on any MUST or SHOULD failure. Usage: node graphql-audit.mjs URL
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql-audit.mjs http://127.0.0.1:8080/graphql');
  process.exit(2);
}
let failed = 0;
let warned = 0;
const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  results.push(result);
}
for (const result of results) {
  const mark = result.status === 'ok' ? 'ok  ' : result.status === 'warn' ? 'WARN' : 'FAIL';
  if (result.status === 'error') failed += 1;
  if (result.status === 'warn') warned += 1;
  const why = result.status === 'ok' ? '' : ` (${result.reason})`;
  console.log(`${mark} ${result.name}${why}`);
}
// MUST failures are 'error'; SHOULD failures are 'warn'; MAY is reported but not required.
const shouldFailures = results.filter((r) => r.status === 'warn' && r.name.startsWith('SHOULD')).length;
console.log(`\n${results.length} audits: ${results.length - failed - warned} ok, ${failed} MUST failures, ${warned} warnings (${shouldFailures} SHOULD)`);
process.exit(failed + shouldFailures > 0 ? 1 : 0);
