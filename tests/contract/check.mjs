#!/usr/bin/env node
// Contract check: every response the HTTP integration tests recorded must be one the
// OpenAPI document describes.
//
//   node tests/contract/check.mjs openapi/openapi.json build/contract-responses.jsonl
//
// The log has one JSON object per line:
//   {"method": "GET", "url": "/v1/centres?limit=2", "status": 200,
//    "content_type": "application/json", "body": "{…}"}
// `url` is the path and query as sent; `body` is the body as text (an already parsed JSON
// value is accepted too); `content_type` may be null or "" when there is no body.
//
// For each line:
//  - The operation is found by matching the path against the document's path templates
//    (a literal segment wins over a templated one) and the method (HEAD is checked as GET,
//    without a body).
//  - A request that matches no operation is answered by the server before any handler
//    runs: 404 (no such route), 405 (method not allowed), or 400 / 413 / 503 (malformed
//    path or query, body too large, shutting down). Those must be problem+json bodies
//    that validate against components.schemas.Problem. A CORS preflight (OPTIONS on a
//    documented path) must be a 204 without a body. Anything else is a failure.
//  - The response for the status (else its range, `4XX`, else `default`) must be
//    documented; the Content-Type (without parameters) must be one of its media types;
//    a JSON body must parse and validate (JSON Schema 2020-12, formats checked) against
//    the media type's schema. A documented body that is missing is a failure too, unless
//    the response documents a `Preference-Applied` header (`Prefer: return=minimal`).
//  - GET /openapi.json must serve exactly the document given on the command line.
//
// Prints one line per failure ("METHOD url status: message") and closes with
// "N passed, N failed". Exits 1 when anything failed, when the log is missing or empty,
// and 2 on bad usage.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const SPEC_ID = 'spec';
const PRE_ROUTING = new Set([400, 404, 405, 413, 503]);

function usage() {
  console.error('usage: node check.mjs OPENAPI_JSON RESPONSES_JSONL');
  process.exit(2);
}

function fatal(message) {
  // A run that checked nothing must not look like a pass.
  console.log(`contract: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const [specPath, logPath] = process.argv.slice(2);
if (!specPath || !logPath) usage();

let spec;
try {
  spec = JSON.parse(readFileSync(specPath, 'utf8'));
} catch (e) {
  fatal(`cannot read the OpenAPI document ${specPath}: ${e.message}`);
}

let logText;
try {
  logText = readFileSync(logPath, 'utf8');
} catch (e) {
  fatal(
    `cannot read the response log ${logPath} (${e.code || e.message}); ` +
      'the HTTP integration tests write it, so run them first',
  );
}
const logLines = logText
  .split('\n')
  .map((text, i) => ({ text: text.trim(), no: i + 1 }))
  .filter((l) => l.text !== '');
if (logLines.length === 0) fatal(`the response log ${logPath} is empty: no responses were recorded`);

// ---------------------------------------------------------------------------------------
// The document: reference resolution, path matching, validators
// ---------------------------------------------------------------------------------------
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });
const validators = new Map();

function validatorAt(pointer) {
  let v = validators.get(pointer);
  if (!v) {
    v = ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
    validators.set(pointer, v);
  }
  return v;
}

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function atPointer(pointer) {
  let node = spec;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node == null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

// Follows OpenAPI Reference Objects (local ones) to the object itself and its pointer.
function deref(node, pointer) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (!node.$ref.startsWith('#/') || seen.has(node.$ref)) {
      throw new Error(`cannot resolve ${node.$ref}`);
    }
    seen.add(node.$ref);
    pointer = node.$ref.slice(1);
    node = atPointer(pointer);
  }
  return { node, pointer };
}

const templates = Object.keys(spec.paths || {}).map((tpl) => ({
  tpl,
  segs: tpl.split('/').slice(1).map((s) => {
    if (!s.includes('{')) return { literal: s };
    const re = s.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return { re: new RegExp(`^${re}$`) };
  }),
}));

function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// The path template this path matches; literal segments win over templated ones, from
// the left (/v1/municipalities/{key}/nearest-centres is never /v1/{a}/{b}/{c}).
function matchPath(path) {
  const segs = path.split('/').slice(1);
  let best = null;
  let bestRank = null;
  for (const t of templates) {
    if (t.segs.length !== segs.length) continue;
    const rank = [];
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const seg = t.segs[i];
      if (seg.literal !== undefined) {
        ok = seg.literal === segs[i] || seg.literal === decodeSegment(segs[i]);
        rank.push(1);
      } else {
        ok = segs[i] !== '' && seg.re.test(segs[i]);
        rank.push(0);
      }
    }
    if (!ok) continue;
    if (!best || rank.join('') > bestRank.join('')) {
      best = t.tpl;
      bestRank = rank;
    }
  }
  return best;
}

const problemPointer = '/components/schemas/Problem';

function mediaTypeOf(contentType) {
  return (contentType || '').split(';')[0].trim().toLowerCase();
}

function findMediaType(content, mt) {
  const keys = Object.keys(content);
  const exact = keys.find((k) => k.toLowerCase() === mt);
  if (exact) return exact;
  const [type] = mt.split('/');
  return keys.find((k) => k === `${type}/*`) || keys.find((k) => k === '*/*');
}

const isJson = (mt) => mt === 'application/json' || /\+json$/.test(mt);

function describeErrors(errors) {
  // The deepest errors say the most; anyOf branches repeat each other.
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const out = [];
  for (const e of sorted) {
    let msg = `${e.instancePath || '/'} ${e.message}`;
    if (e.keyword === 'additionalProperties') msg += ` (${e.params.additionalProperty})`;
    if (e.keyword === 'enum') msg += ` (${e.params.allowedValues.join(', ')})`;
    if (!out.includes(msg)) out.push(msg);
    if (out.length === 3) break;
  }
  return out.join('; ');
}

function parseBody(body) {
  if (typeof body === 'string') return JSON.parse(body);
  return body;
}

function bodyIsEmpty(body) {
  return body === undefined || body === null || body === '';
}

// Validates a body against the schema at pointer; returns an error message or null.
function validateBody(entry, pointer) {
  const target = atPointer(pointer);
  const label =
    target && typeof target.$ref === 'string' && target.$ref.startsWith('#/components/schemas/')
      ? target.$ref.slice('#/components/schemas/'.length)
      : `#${pointer}`;
  let value;
  try {
    value = parseBody(entry.body);
  } catch (e) {
    return `body is not JSON: ${e.message}`;
  }
  let validate;
  try {
    validate = validatorAt(pointer);
  } catch (e) {
    return `cannot compile the schema at #${pointer}: ${e.message}`;
  }
  if (validate(value)) return null;
  return `body does not match ${label}: ${describeErrors(validate.errors)}`;
}

// ---------------------------------------------------------------------------------------
// One log line → a list of failures
// ---------------------------------------------------------------------------------------
function checkProblem(entry, why) {
  const failures = [];
  const mt = mediaTypeOf(entry.content_type);
  if (entry.method === 'HEAD' && bodyIsEmpty(entry.body)) {
    if (mt && mt !== 'application/problem+json') failures.push(`${why}: Content-Type ${mt}, expected application/problem+json`);
    return failures;
  }
  if (mt !== 'application/problem+json') {
    failures.push(`${why}: Content-Type ${mt || '(none)'}, expected application/problem+json`);
  }
  if (bodyIsEmpty(entry.body)) {
    failures.push(`${why}: no problem body`);
  } else {
    const err = validateBody(entry, problemPointer);
    if (err) failures.push(`${why}: ${err}`);
  }
  return failures;
}

function checkEntry(entry) {
  const method = String(entry.method || '').toUpperCase();
  const status = Number(entry.status);
  const url = String(entry.url || '');
  if (!method || !url.startsWith('/') || !Number.isInteger(status)) {
    return ['log line lacks method, url (a path) or status'];
  }
  const path = url.split('#')[0].split('?')[0];
  const head = method === 'HEAD';
  const tpl = matchPath(path);
  const pathItem = tpl ? spec.paths[tpl] : undefined;
  const op = pathItem ? pathItem[head ? 'get' : method.toLowerCase()] : undefined;

  if (!op) {
    if (method === 'OPTIONS' && pathItem && status === 204) {
      return bodyIsEmpty(entry.body) ? [] : ['CORS preflight 204 has a body'];
    }
    if (PRE_ROUTING.has(status)) {
      return checkProblem(entry, tpl ? `no ${method} operation on ${tpl}` : 'no such route');
    }
    return [
      tpl
        ? `${method} is not an operation of ${tpl}, and ${status} is not an error the server answers for that`
        : `no path template matches, and ${status} is not 404/405`,
    ];
  }

  const opPointer = `/paths/${esc(tpl)}/${head ? 'get' : method.toLowerCase()}`;
  const responses = op.responses || {};
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
  if (!key) {
    return [`status ${status} is not documented for ${method === 'HEAD' ? 'GET' : method} ${tpl} (documented: ${Object.keys(responses).join(', ')})`];
  }
  let resp;
  try {
    resp = deref(responses[key], `${opPointer}/responses/${esc(key)}`);
  } catch (e) {
    return [e.message];
  }
  const content = (resp.node && resp.node.content) || {};
  const failures = [];
  const mt = mediaTypeOf(entry.content_type);
  const empty = bodyIsEmpty(entry.body);
  const documented = Object.keys(content);

  if (mt) {
    if (documented.length === 0) {
      if (!empty) failures.push(`a ${mt} body where ${status} documents none`);
    } else if (!findMediaType(content, mt)) {
      failures.push(`Content-Type ${mt} is not documented for ${status} (documented: ${documented.join(', ')})`);
    }
  } else if (!empty) {
    failures.push('a body without a Content-Type');
  }

  if (head) return failures;

  if (empty) {
    // A response that documents `Preference-Applied` may leave its body out (the request
    // asked for `Prefer: return=minimal`, which the log does not record).
    const minimal = resp.node && resp.node.headers && 'Preference-Applied' in resp.node.headers;
    if (documented.length > 0 && !minimal) {
      failures.push(`no body, but ${status} documents ${documented.join(', ')}`);
    }
    return failures;
  }
  const found = mt && findMediaType(content, mt);
  if (!found) return failures;
  const media = content[found];
  if (!media.schema || !isJson(mt)) return failures;
  const schemaPointer = `${resp.pointer}/content/${esc(found)}/schema`;
  const err = validateBody(entry, schemaPointer);
  if (err) failures.push(err);

  if (!err && tpl === '/openapi.json' && status === 200) {
    if (!isDeepStrictEqual(parseBody(entry.body), spec)) {
      failures.push(`the served document differs from ${specPath}`);
    }
  }
  return failures;
}

// ---------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
for (const line of logLines) {
  let entry;
  try {
    entry = JSON.parse(line.text);
  } catch (e) {
    failed++;
    console.log(`line ${line.no}: not JSON: ${e.message}`);
    continue;
  }
  let failures;
  try {
    failures = checkEntry(entry);
  } catch (e) {
    failures = [`checker error: ${e.message}`];
  }
  if (failures.length === 0) {
    passed++;
  } else {
    failed++;
    for (const f of failures) console.log(`${entry.method} ${entry.url} ${entry.status}: ${f}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
