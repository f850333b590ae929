#!/usr/bin/env node
// Writes docs/config-reference.md from the components' config schemas (the single source of truth).
//   node scripts/gen-config-reference.mjs          write it
//   node scripts/gen-config-reference.mjs --check  exit 1 if the file is out of date (CI)
import { writeOrCheck } from './generated-file.mjs';
import { join, resolve } from 'node:path';
import { components } from '../packages/kspan/dist/index.js';

const root = resolve(import.meta.dirname, '..');
const target = join(root, 'docs/config-reference.md');

function typeOf(s) {
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && !s.properties && s.patternProperties) return 'map';
  if (s.type === 'string' && s.pattern && /ms\|s\|m\|h/.test(s.pattern)) return 'duration';
  return s.type ?? 'any';
}

function rows(schema, prefix = '') {
  const out = [];
  const required = new Set(schema.required ?? []);
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const path = prefix + key;
    const isDuration =
      s.anyOf?.some((x) => x.type === 'string' && x.pattern) &&
      s.anyOf?.some((x) => x.type === 'number');
    const type = isDuration ? 'duration' : typeOf(s);
    const def =
      s.default === undefined || (typeof s.default === 'object' && !Array.isArray(s.default))
        ? ''
        : `\`${JSON.stringify(s.default)}\``;
    const desc = (s.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    out.push(
      `| \`${path}\` | ${type} | ${required.has(key) && s.default === undefined ? 'yes' : ''} | ${def} | ${desc} |`,
    );
    if (s.type === 'object' && s.properties) out.push(...rows(s, `${path}.`));
    if (s.type === 'array' && s.items?.type === 'object' && s.items.properties)
      out.push(...rows(s.items, `${path}[].`));
  }
  return out;
}

const sections = [];
for (const [title, list] of [
  ['Receivers', components.receivers],
  ['Processors', components.processors],
  ['Exporters', components.exporters],
  ['Extensions', components.extensions ?? []],
]) {
  sections.push(`## ${title}\n`);
  for (const f of list) {
    const extra = [
      f.consumes && `consumes \`${f.consumes}\``,
      f.produces && `produces \`${f.produces}\``,
    ]
      .filter(Boolean)
      .join(', ');
    sections.push(
      `### \`${f.type}\` (${f.stability})\n\n${f.description}${extra ? ` — ${extra}` : ''}.\n`,
    );
    sections.push('| key | type | required | default | meaning |\n| --- | --- | --- | --- | --- |');
    sections.push(rows(f.configSchema).join('\n') + '\n');
  }
}
const text = `# Config reference\n\nGenerated from the components' schemas by \`node scripts/gen-config-reference.mjs\`; do not edit.\nEvery key is checked by \`kspan validate\`; unknown keys are errors. Durations are text such as \`500ms\`, \`5s\`, \`1m\`, or a number of milliseconds.\n\n${sections.join('\n')}`;

writeOrCheck(target, text, 'scripts/gen-config-reference.mjs');
