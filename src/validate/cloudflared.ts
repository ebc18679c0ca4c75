import type { Finding } from '../lint/finding.js';
import { isRecord, readYaml } from './yaml-source.js';
import ipaddr from 'ipaddr.js';
import { goAtoi, goDurationError, parseGoUrl, splitsHostPort, yamlDecodeError, type GoType } from './go-values.js';
import { re2Error } from './re2-syntax.js';

// The rules and messages of cloudflared's own config loading and `tunnel ingress validate`
// (shared/research/validators.md section 1): the first error wins, unknown keys only warn.

const RULE_KEYS = new Set(['hostname', 'path', 'service', 'originRequest']);
const ORIGIN_KEYS: Record<string, GoType | 'list' | 'map'> = {
  connectTimeout: 'duration', tlsTimeout: 'duration', tcpKeepAlive: 'duration', noHappyEyeballs: 'bool', keepAliveConnections: 'int',
  keepAliveTimeout: 'duration', httpHostHeader: 'string', originServerName: 'string', matchSNItoHost: 'bool', caPool: 'string',
  noTLSVerify: 'bool', disableChunkedEncoding: 'bool', bastionMode: 'bool', proxyAddress: 'string', proxyPort: 'uint',
  proxyType: 'string', ipRules: 'list', http2Origin: 'bool', access: 'map',
};
const ACCESS_KEYS = new Set(['required', 'teamName', 'audTag', 'environment']);
const IP_RULE_KEYS = new Set(['prefix', 'ports', 'allow']);
const WARP_TYPES: Record<string, GoType> = { connectTimeout: 'duration', maxActiveFlows: 'uint', tcpKeepAlive: 'duration' };
const WARP_KEYS = new Set(Object.keys(WARP_TYPES));
const FLAG_TYPES: Record<string, 'int' | 'duration' | 'string'> = { retries: 'int', 'ha-connections': 'int', 'grace-period': 'duration', 'rpc-timeout': 'duration', 'credentials-file': 'string', tunnel: 'string' };
const goTypeOf = (value: unknown) => (typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int' : typeof value === 'number' ? 'float64' : 'map[string]interface {}');

/** A top-level key read as a CLI flag (altsrc): its own messages, durations through time.ParseDuration. */
function flagError(kind: 'int' | 'duration' | 'string', value: unknown, key: string): string | null {
  if (kind === 'duration' && typeof value === 'string') return goDurationError(value);
  const ok = kind === 'int' ? Number.isInteger(value) : typeof value === 'string';
  return ok ? null : `expected ${kind} found ${goTypeOf(value)} for ${key}`;
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
  const svc = service === null || typeof service === 'object' ? '' : String(service);
  if (svc === 'socks-proxy') return ipRuleError(ipRules);
  if (/^unix(\+tls)?:/.test(svc)) return null;
  if (svc.startsWith('http_status:')) {
    const code = goAtoi(svc.slice('http_status:'.length));
    if (typeof code === 'string') return `invalid HTTP status code: ${code}`;
    return code < 100 || code > 999 ? `invalid HTTP status code: ${code}` : null;
  }
  if (['hello_world', 'hello-world', 'socks-proxy', 'bastion'].includes(svc) || bastion) return null;
  const url = parseGoUrl(svc);
  if (typeof url === 'string') return url;
  if (!url.scheme || !url.hostname) return `${svc} is an invalid address, please make sure it has a scheme and a hostname`;
  if (url.path !== '') return `${svc} is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path`;
  return null;
}

function hostnameError(hostname: string): string | null {
  if (splitsHostPort(hostname)) return 'Hostname cannot contain a port';
  if (hostname.lastIndexOf('*') > 0) return 'Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"';
  return null;
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
    const error = key in data ? flagError(kind, data[key], key) : null;
    if (error) return [finding('error', source.lineOf([key]), error, `give ${key} a ${kind}`)];
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
      const type = ORIGIN_KEYS[key];
      const error = type && type !== 'list' && type !== 'map' ? yamlDecodeError(type, value) : null;
      if (error) return finding('error', source.lineOf([...at, key]), error, `fix the type of ${key}`);
    }
    return null;
  };
  if (isRecord(data['warp-routing'])) {
    unknownKeys(data['warp-routing'], WARP_KEYS, 'WarpRoutingConfig', ['warp-routing']);
    for (const [key, value] of Object.entries(data['warp-routing'])) {
      const error = WARP_TYPES[key] ? yamlDecodeError(WARP_TYPES[key]!, value) : null;
      if (error) return [finding('error', source.lineOf(['warp-routing', key]), error, `fix the type of ${key}`)];
    }
  }
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
    const pathProblem = path ? re2Error(path) : null;
    if (pathProblem) return [finding('error', source.lineOf([...at, 'path']), `Rule #${n} has an invalid regex: ${pathProblem}`, 'write an RE2 regular expression')];
  }
  if ('url' in data) return [finding('error', source.lineOf(['url']), "You can't set the --url flag (or $TUNNEL_URL) when using multiple-origin ingress rules", 'remove url:'), ...warnings];
  return warnings;
}
