// Checks that schema/schema.graphql says what the live server's introspection says: both are
// rebuilt with graphql-js, sorted, and printed the same way. Usage: node schema-check.mjs URL FILE
// (The schema's own description is left out: async-graphql answers `__schema.description` with a
// fixed sentence about schemas in general, not a description of this one.)
import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';

const [url, file] = process.argv.slice(2);
const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }) }),
});
const result = await response.json();
if (!response.ok || result.errors) {
  console.error('introspection failed:', response.status, JSON.stringify(result.errors));
  process.exit(1);
}
const print = (schema) => printSchema(lexicographicSortSchema(schema));
const live = print(buildClientSchema(result.data));
const checkedIn = print(buildSchema(readFileSync(file, 'utf8')));
if (live !== checkedIn) {
  const a = live.split('\n');
  const b = checkedIn.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  console.error(`${file} differs from live introspection near line ${at + 1}:`);
  console.error('  live:       ', a.slice(Math.max(0, at - 2), at + 3).join('\n               '));
  console.error('  checked in: ', b.slice(Math.max(0, at - 2), at + 3).join('\n               '));
  process.exit(1);
}
console.log(`${file} matches live introspection (${live.split('\n').length} lines)`);
