export type Severity = 'error' | 'warning' | 'note';

/** One problem in one place: what every validator and lint rule returns. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  message: string;
  fix: string;
  /** Extra lines shown under the finding in text output (a short diff, a tool's own words). */
  detail?: string;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

// Code-unit order, not localeCompare: the same order under every locale.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || byText(a.file, b.file) || a.line - b.line || byText(a.rule, b.rule));
}
