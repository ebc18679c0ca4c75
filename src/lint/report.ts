import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from './finding.js';
import { HELP_URI, ruleDoc } from './rule-docs.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';

const count = (findings: Finding[], severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;

export function summaryLine(findings: Finding[]): string {
  return `${count(findings, 'error')} errors, ${count(findings, 'warning')} warnings, ${count(findings, 'note')} notes`;
}

/** A SARIF artifact URI: relative to the current directory, each segment percent-encoded (a space, `c:d.conf`). */
export function artifactUri(file: string): string {
  const path = relative(process.cwd(), file) || file;
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(sep).map((segment) => encodeURIComponent(segment)).join('/');
}

const plain = (markdown: string) => markdown.replace(/`/g, '');

/** A rule's SARIF descriptor, from its documentation (GitHub code scanning shows these). */
function sarifRule(id: string): object {
  const doc = ruleDoc(id);
  if (!doc) return { id, shortDescription: { text: id } };
  const help = (text: (s: string) => string) => `Catches: ${text(doc.catches)}.${doc.misses ? ` Does not catch: ${text(doc.misses)}.` : ''}`;
  return {
    id,
    shortDescription: { text: plain(doc.catches).split(/ \(|: /)[0] },
    fullDescription: { text: plain(doc.catches) },
    help: { text: help(plain), markdown: help((s) => s) },
    helpUri: HELP_URI,
    defaultConfiguration: { level: doc.level },
  };
}

function sarif(findings: Finding[], version: string): object {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'proxygen', version, informationUri: 'https://github.com/proxygen/proxygen', rules: rules.map(sarifRule) } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: f.severity,
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, region: { startLine: Math.max(1, f.line) } } }],
        })),
      },
    ],
  };
}

// GitHub workflow commands: one annotation per finding, properties escaped as GitHub expects.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const GITHUB_LEVEL = { error: 'error', warning: 'warning', note: 'notice' } as const;

export function formatReport(findings: Finding[], format: ReportFormat, version: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ findings, summary: { errors: count(findings, 'error'), warnings: count(findings, 'warning'), notes: count(findings, 'note') } }, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarif(findings, version), null, 2)}\n`;
    case 'github':
      return findings.map((f) => `::${GITHUB_LEVEL[f.severity]} file=${escapeProperty(relative(process.cwd(), f.file) || f.file)},line=${Math.max(1, f.line)},title=${escapeProperty(f.rule)}::${escapeData(`${f.message}. Fix: ${f.fix}`)}`).join('\n') + (findings.length ? '\n' : '');
    case 'text':
      return [...findings.map((f) => `${relative(process.cwd(), f.file) || f.file}:${Math.max(1, f.line)}: ${f.severity} ${f.rule}: ${f.message}\n  fix: ${f.fix}${f.detail ? `\n${f.detail.replace(/^/gm, '    ')}` : ''}`), summaryLine(findings)].join('\n') + '\n';
  }
}
