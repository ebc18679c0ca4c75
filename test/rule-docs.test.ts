import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INJECTION_RULES } from '../src/lint/nginx-injection-rules.js';
import { NGINX_RULES } from '../src/lint/nginx-rules.js';
import { RULE_DOCS, ruleDoc } from '../src/lint/rule-docs.js';

const ROOT = join(import.meta.dirname, '..');
const table = () => ['| rule | severity | catches | does not catch |', '|---|---|---|---|', ...RULE_DOCS.map((d) => `| \`${d.id}\` | ${d.levels ?? d.level} | ${d.catches} | ${d.misses} |`)].join('\n');

describe('rule documentation', () => {
  it('the README table is RULE_DOCS (what each rule catches and does not)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`${table()}\n`);
  });

  it('every rule id in the source is documented, with the level it is registered at', () => {
    for (const rule of [...NGINX_RULES, ...INJECTION_RULES]) expect(ruleDoc(rule.id)?.level, rule.id).toBe(rule.severity);
    const files = readdirSync(join(ROOT, 'src'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    const ids = files.flatMap((f) => [...readFileSync(join(ROOT, 'src', f), 'utf8').matchAll(/(?:rule: |add\()'([a-z]+\/[a-z0-9-]+)'/g)].map((m) => m[1]!));
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(ruleDoc(id), id).toBeDefined();
    expect(ruleDoc('capability/caddy')?.level).toBe('note');
  });
});
