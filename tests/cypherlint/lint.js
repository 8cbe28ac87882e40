#!/usr/bin/env node
// Lints Cypher with Neo4j's own front end (@neo4j-cypher/language-support), offline.
//
// stdin:  {"schema": {...}, "queries": [{"name": "...", "text": "...", "parameters": {...}}, ...]}
// stdout: {"linter": "<package>@<version>", "unknown": [names], "results": [{"name": "...", "diagnostics": [...]}, ...]}
//
// With --serve, one request per line of stdin and one answer per line of stdout, until stdin
// closes: the package takes seconds to load, so a test run starts one Node process for all.
//
// schema keys: labels, relationshipTypes, propertyKeys (lists of names), graphSchema (list of
// {from, to, relType}), parameters (name -> example value), procedures and functions (lists of
// names, or of full Neo4jProcedure / Neo4jFunction objects). The functions built into Neo4j are
// always available; any other function or procedure must be listed, so an unknown one is an
// error. Named procedures and functions take their signatures from the package's record of a
// real Neo4j 5 with APOC and Graph Data Science (testData.mockSchema); a name it does not know
// is listed in the output's "unknown" (a misspelt GDS procedure) and gets an empty signature.
//
// A diagnostic: {severity: 1 error | 2 warning, level, message, line, column} (1-based).
'use strict';

const path = require('path');
const ls = require('@neo4j-cypher/language-support');

const VERSION = 'CYPHER 5';
const pkg = require(path.join(path.dirname(require.resolve('@neo4j-cypher/language-support')), '..', '..', 'package.json'));
const known = ls.testData.mockSchema;

function procedureStub(name) {
  return {
    name, description: '', mode: 'READ', worksOnSystem: false, argumentDescription: [],
    returnDescription: [], signature: `${name}() :: ()`, admin: false, option: { deprecated: false },
  };
}

function functionStub(name) {
  return {
    name, category: '', description: '', isBuiltIn: false, argumentDescription: [],
    returnDescription: 'ANY', signature: `${name}() :: ANY`, aggregating: false, isDeprecated: false,
  };
}

let unknown = new Set();

function registry(entries, table, stub) {
  const out = {};
  for (const entry of entries || []) {
    if (typeof entry === 'string') {
      if (!table[entry]) unknown.add(entry);
      out[entry] = table[entry] || stub(entry);
    } else {
      out[entry.name] = entry;
    }
  }
  return out;
}

function buildSchema(given, extraParameters) {
  const builtins = {};
  for (const [name, fn] of Object.entries(known.functions[VERSION])) {
    if (fn.isBuiltIn) builtins[name] = fn;
  }
  const functions = { ...builtins, ...registry(given.functions, known.functions[VERSION], functionStub) };
  const procedures = registry(given.procedures, known.procedures[VERSION], procedureStub);
  return {
    labels: given.labels || [],
    relationshipTypes: given.relationshipTypes || [],
    propertyKeys: given.propertyKeys || [],
    graphSchema: given.graphSchema,
    parameters: { ...(given.parameters || {}), ...(extraParameters || {}) },
    functions: { [VERSION]: functions },
    procedures: { [VERSION]: procedures },
    defaultLanguage: VERSION,
  };
}

function lintOne(query, schema) {
  const { diagnostics } = ls.lintCypherQuery(query.text, schema);
  return diagnostics.map((d) => ({
    severity: d.severity,
    level: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));
}

function answer(request) {
  unknown = new Set();
  const given = request.schema || {};
  const results = (request.queries || []).map((q) => ({
    name: q.name,
    diagnostics: lintOne(q, buildSchema(given, q.parameters)),
  }));
  return JSON.stringify({ linter: `${pkg.name}@${pkg.version}`, unknown: [...unknown].sort(), results }) + '\n';
}

function serve() {
  const lines = require('readline').createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    if (line.trim()) process.stdout.write(answer(JSON.parse(line)));
  });
}

function main() {
  if (process.argv.includes('--serve')) {
    serve();
    return;
  }
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { input += chunk; });
  process.stdin.on('end', () => process.stdout.write(answer(JSON.parse(input))));
}

main();
