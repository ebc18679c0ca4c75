import type { Finding } from '../lint/finding.js';
import { isRecord, readYaml } from './yaml-source.js';
import ipaddr from 'ipaddr.js';

// The rules and messages of cloudflared's own config loading and `tunnel ingress validate`
// (shared/research/validators.md section 1): the first error wins, unknown keys only warn.

const RULE_KEYS = new Set(['hostname', 'path', 'service', 'originRequest']);
const ORIGIN_KEYS: Record<string, 'duration' | 'bool' | 'int' | 'string' | 'list' | 'map'> = {
  connectTimeout: 'duration', tlsTimeout: 'duration', tcpKeepAlive: 'duration', noHappyEyeballs: 'bool', keepAliveConnections: 'int',
  keepAliveTimeout: 'duration', httpHostHeader: 'string', originServerName: 'string', matchSNItoHost: 'bool', caPool: 'string',
  noTLSVerify: 'bool', disableChunkedEncoding: 'bool', bastionMode: 'bool', proxyAddress: 'string', proxyPort: 'int',
  proxyType: 'string', ipRules: 'list', http2Origin: 'bool', access: 'map',
};
const ACCESS_KEYS = new Set(['required', 'teamName', 'audTag', 'environment']);
const IP_RULE_KEYS = new Set(['prefix', 'ports', 'allow']);
const WARP_KEYS = new Set(['connectTimeout', 'maxActiveFlows', 'tcpKeepAlive']);
const FLAG_TYPES: Record<string, 'int' | 'duration' | 'string'> = { retries: 'int', 'ha-connections': 'int', 'grace-period': 'duration', 'rpc-timeout': 'duration', 'credentials-file': 'string', tunnel: 'string' };
const GO_DURATION = /^([0-9]+(\.[0-9]*)?(ns|us|\u00b5s|ms|s|m|h))+$|^0$/;
const GO_BOOL = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n']);

function typeError(kind: string, value: unknown, key: string): string | null {
  if (kind === 'duration') {
    if (typeof value === 'number') return `yaml: unmarshal errors:\n  cannot unmarshal !!int \`${value}\` into time.Duration`;
    if (typeof value !== 'string' || !GO_DURATION.test(value)) return `time: invalid duration "${String(value)}"`;
  }
  if (kind === 'bool' && typeof value !== 'boolean' && !GO_BOOL.has(String(value).toLowerCase())) return `yaml: unmarshal errors:\n  cannot unmarshal !!str \`${String(value)}\` into bool`;
  if (kind === 'int' && !Number.isInteger(value)) return `expected int found ${typeof value === 'string' ? 'string' : typeof value} for ${key}`;
  return null;
}

// Only a socks-proxy rule's own ipRules are parsed strictly; root-level and other rules' entries
// are dropped silently upstream when invalid.
function ipRuleError(rules: unknown): string | null {
  for (const rule of Array.isArray(rules) ? rules : []) {
    const entry = isRecord(rule) ? rule : {};
    if (entry.prefix === undefined || entry.prefix === '') return 'unable to create ip rule for socks-proxy: no prefix provided';
    if (!ipaddr.isValidCIDR(String(entry.prefix))) return `unable to create ip rule for socks-proxy: unable to parse cidr: ${String(entry.prefix)}`;
    const port = (Array.isArray(entry.ports) ? entry.ports : []).find((p: unknown) => !Number.isInteger(p) || (p as number) < 1 || (p as number) > 65535);
    if (port !== undefined) return `unable to create ip rule for socks-proxy: invalid port ${String(port)}, needs to be between 1 and 65535`;
  }
  return null;
}

function serviceError(service: unknown, bastion: boolean, ipRules: unknown): string | null {
  const svc = typeof service === 'string' ? service : '';
  if (svc === 'socks-proxy') return ipRuleError(ipRules);
  if (/^unix(\+tls)?:/.test(svc)) return null;
  if (svc.startsWith('http_status:')) {
    const code = svc.slice('http_status:'.length);
    if (!/^-?[0-9]+$/.test(code)) return `invalid HTTP status code: strconv.Atoi: parsing "${code}": invalid syntax`;
    return Number(code) < 100 || Number(code) > 999 ? `invalid HTTP status code: ${Number(code)}` : null;
  }
  if (['hello_world', 'hello-world', 'socks-proxy', 'bastion'].includes(svc) || bastion) return null;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(svc);
  if (!scheme && /^[^/]*:/.test(svc)) return `parse "${svc}": first path segment in URL cannot contain colon`;
  const rest = scheme ? svc.slice(scheme[0].length) : svc;
  const authority = rest.startsWith('//') ? rest.slice(2).split(/[/?#]/)[0]! : '';
  if (/\s/.test(authority)) return `parse "${svc}": invalid character " " in host name`;
  const host = authority.replace(/^[^@]*@/, '').replace(/:[0-9]*$/, '');
  if (!scheme || !host) return `${svc} is an invalid address, please make sure it has a scheme and a hostname`;
  const path = rest.startsWith('//') ? rest.slice(2 + authority.length).split(/[?#]/)[0]! : rest;
  if (path !== '') return `${svc} is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path`;
  return null;
}

function hostnameError(hostname: string): string | null {
  if (/^(\[[^\]]*\]|[^:[\]]*):[0-9]*$/.test(hostname)) return 'Hostname cannot contain a port';
  if (hostname.lastIndexOf('*') > 0) return 'Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"';
  return null;
}

function regexError(path: string): string | null {
  const unsupported = /\(\?[=!]|\(\?<[=!]|\\[1-9]/.exec(path);
  if (unsupported) return `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``;
  try {
    new RegExp(path);
    return null;
  } catch (error) {
    return `error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

export function validateCloudflared(file: string, text: string): Finding[] {
  const finding = (severity: Finding['severity'], line: number, message: string, fix: string): Finding => ({ rule: 'cloudflared/validate', severity, file, line, message, fix });
  const source = readYaml(text);
  if (source.syntaxError) return [finding('error', source.syntaxError.line, `error parsing YAML in config file at ${file}: ${source.syntaxError.message}`, 'fix the YAML syntax')];
  const data = source.data;
  if (data === null || data === undefined) return [finding('error', 1, 'No configuration file was found. Please create one, or use the --config flag to specify its filepath. You can use the help command to learn more about configuration files', 'add tunnel:, credentials-file: and ingress:')];
  if (!isRecord(data)) return [finding('error', 1, 'error parsing YAML in config file: the top level is not a mapping', 'write key: value pairs')];
  const warnings: Finding[] = [];
  for (const [key, kind] of Object.entries(FLAG_TYPES)) {
    const error = key in data ? typeError(kind, data[key], key) : null;
    if (error || (kind === 'string' && key in data && typeof data[key] !== 'string')) return [finding('error', source.lineOf([key]), error ?? `expected string found ${typeof data[key]} for ${key}`, `give ${key} a ${kind}`)];
  }
  const unknownKeys = (object: Record<string, unknown>, known: Set<string>, type: string, at: (string | number)[]) => {
    for (const key of Object.keys(object)) if (!known.has(key)) warnings.push(finding('warning', source.lineOf([...at, key]), `Warning: unused keys detected in your config file: line ${source.lineOf([...at, key])}: field ${key} not found in type config.${type}`, `remove or rename ${key}`));
  };
  const originErrors = (origin: unknown, at: (string | number)[]): Finding | null => {
    if (!isRecord(origin)) return null;
    unknownKeys(origin, new Set(Object.keys(ORIGIN_KEYS)), 'OriginRequestConfig', at);
    if (isRecord(origin.access)) unknownKeys(origin.access, ACCESS_KEYS, 'AccessConfig', [...at, 'access']);
    (Array.isArray(origin.ipRules) ? origin.ipRules : []).forEach((rule: unknown, i: number) => isRecord(rule) && unknownKeys(rule, IP_RULE_KEYS, 'IngressIPRule', [...at, 'ipRules', i]));
    for (const [key, value] of Object.entries(origin)) {
      const error = ORIGIN_KEYS[key] ? typeError(ORIGIN_KEYS[key]!, value, key) : null;
      if (error) return finding('error', source.lineOf([...at, key]), error, `fix the type of ${key}`);
    }
    return null;
  };
  if (isRecord(data['warp-routing'])) unknownKeys(data['warp-routing'], WARP_KEYS, 'WarpRoutingConfig', ['warp-routing']);
  const rootOrigin = originErrors(data.originRequest, ['originRequest']);
  if (rootOrigin) return [rootOrigin];
  const rules = data.ingress;
  if (!Array.isArray(rules) || rules.length === 0) return [finding('error', source.lineOf(['ingress']), "The config file doesn't contain any ingress rules", 'add ingress: rules ending with - service: http_status:404')];
  const rootBastion = isRecord(data.originRequest) && data.originRequest.bastionMode === true;
  for (const [index, rule] of rules.entries()) {
    const n = index + 1;
    const at = ['ingress', index];
    const line = () => source.lineOf(at);
    if (!isRecord(rule)) return [finding('error', line(), `Rule #${n} is not a mapping`, 'write hostname:, path:, service:')];
    unknownKeys(rule, RULE_KEYS, 'UnvalidatedIngressRule', at);
    const origin = isRecord(rule.originRequest) ? rule.originRequest : {};
    const serviceProblem = serviceError(rule.service ?? '', rootBastion || origin.bastionMode === true, origin.ipRules);
    if (serviceProblem) return [finding('error', source.lineOf([...at, 'service']), serviceProblem, 'service: http://HOST:PORT (no path), http_status:NNN, hello_world, unix:PATH')];
    const originProblem = originErrors(rule.originRequest, [...at, 'originRequest']);
    if (originProblem) return [originProblem];
    const access = isRecord(origin.access) ? origin.access : null;
    if (access?.required === true && Array.isArray(access.audTag) && access.audTag.length > 0 && !access.teamName) return [finding('error', line(), 'access.TeamName cannot be blank when access.audTags are present', 'set originRequest.access.teamName')];
    const hostname = typeof rule.hostname === 'string' ? rule.hostname : '';
    const path = typeof rule.path === 'string' ? rule.path : '';
    const hostProblem = hostname ? hostnameError(hostname) : null;
    if (hostProblem) return [finding('error', source.lineOf([...at, 'hostname']), hostProblem, 'hostname: app.example.com or *.example.com')];
    const catchAll = (hostname === '' || hostname === '*') && path === '';
    if (catchAll && index < rules.length - 1) return [finding('error', line(), `Rule #${n} is matching the hostname '${hostname}', but this will match every hostname, meaning the rules which follow it will never be triggered.`, 'move the catch-all rule to the end')];
    if (!catchAll && index === rules.length - 1) return [finding('error', line(), 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)', 'end with - service: http_status:404')];
    const pathProblem = path ? regexError(path) : null;
    if (pathProblem) return [finding('error', source.lineOf([...at, 'path']), `Rule #${n} has an invalid regex: ${pathProblem}`, 'write an RE2 regular expression')];
  }
  if ('url' in data) return [finding('error', source.lineOf(['url']), "You can't set the --url flag (or $TUNNEL_URL) when using multiple-origin ingress rules", 'remove url:'), ...warnings];
  return warnings;
}
