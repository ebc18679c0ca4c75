import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/lint/finding.js';
import { artifactUri, formatReport } from '../src/lint/report.js';

const finding = (rule: string, file = 'site.conf'): Finding => ({ rule, severity: 'warning', file: join(process.cwd(), file), line: 3, message: 'm', fix: 'f' });
type Sarif = { runs: { tool: { driver: { rules: Record<string, unknown>[] } }; results: { ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
const sarifOf = (findings: Finding[]) => JSON.parse(formatReport(findings, 'sarif', '1.0.0')) as Sarif;

describe('SARIF 2.1.0 output', () => {
  it.each([
    ['a plain path', 'deploy/site.conf', 'deploy/site.conf'],
    ['a space (not a valid URI character)', 'my dir/site one.conf', 'my%20dir/site%20one.conf'],
    ['a colon, which would read as a URI scheme', 'c:d.conf', 'c%3Ad.conf'],
    ['percent and hash', 'a%b/#1.conf', 'a%25b/%231.conf'],
    ['a path above the current directory', '../x/site.conf', '../x/site.conf'],
  ])('artifactLocation.uri percent-encodes %s', (_name, file, uri) => {
    expect(artifactUri(join(process.cwd(), file))).toBe(uri);
    expect(sarifOf([finding('nginx/ssrf', file)]).runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(uri);
  });

  it('rules carry descriptions, help, helpUri and their default level', () => {
    const { runs } = sarifOf([finding('nginx/ssrf'), finding('check/nginx-version'), finding('capability/ngrok')]);
    const [capability, nginxVersion, ssrf] = runs[0]!.tool.driver.rules;
    expect(ssrf).toMatchObject({ id: 'nginx/ssrf', defaultConfiguration: { level: 'error' }, helpUri: 'https://github.com/proxygen/proxygen#checking-in-ci' });
    expect((ssrf!.fullDescription as { text: string }).text).toContain('proxy_pass, fastcgi_pass, grpc_pass');
    expect((ssrf!.help as { text: string }).text).toMatch(/^Catches: .*\. Does not catch: constants from set\/map/);
    expect(nginxVersion).toMatchObject({ id: 'check/nginx-version', defaultConfiguration: { level: 'warning' } });
    expect(capability).toMatchObject({ id: 'capability/ngrok', defaultConfiguration: { level: 'note' } });
    expect(runs[0]!.results.map((r) => r.ruleIndex)).toEqual([2, 1, 0]);
  });
});
