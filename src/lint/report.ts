import { relative } from 'node:path';
import type { Finding } from './finding.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';

const count = (findings: Finding[], severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;

export function summaryLine(findings: Finding[]): string {
  return `${count(findings, 'error')} errors, ${count(findings, 'warning')} warnings, ${count(findings, 'note')} notes`;
}

function sarif(findings: Finding[], version: string): object {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'proxygen', version, informationUri: 'https://github.com/proxygen/proxygen', rules: rules.map((id) => ({ id, shortDescription: { text: id } })) } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          level: f.severity,
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: relative(process.cwd(), f.file) || f.file }, region: { startLine: Math.max(1, f.line) } } }],
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
