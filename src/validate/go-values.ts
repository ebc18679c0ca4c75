// How Go's standard library reads the values cloudflared checks (net.SplitHostPort, net/url
// Parse, time.ParseDuration, strconv.Atoi) and how yaml.v3 decodes scalars into Go types, with
// Go's error text. Written from the Go sources' rules, not ported.

const quote = (s: string) => JSON.stringify(s);

/** Whether net.SplitHostPort accepts the string (it checks no port digits). */
export function splitsHostPort(hostport: string): boolean {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return false;
  let from = 0;
  let to = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== colon) return false;
    [from, to] = [1, end + 1];
  } else if (hostport.slice(0, colon).includes(':')) return false;
  return !hostport.slice(from).includes('[') && !hostport.slice(to).includes(']');
}

const validOptionalPort = (port: string) => port === '' || /^:[0-9]*$/.test(port);
// What net/url allows unescaped in a host: unreserved, sub-delims, ":[]<>\"" and any non-ASCII.
const HOST_CHAR = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"%]|[^\x00-\x7f]/;

/** A malformed %-escape; in a host only %25 and escapes of non-ASCII bytes are allowed. */
function badEscape(text: string, host = false): string | null {
  const bad = host ? /%(?![0-9A-Fa-f]{2})|%(?!25)[0-7][0-9A-Fa-f]/.exec(text) : /%(?![0-9A-Fa-f]{2})/.exec(text);
  return bad ? `invalid URL escape ${quote(text.slice(bad.index, bad.index + 3))}` : null;
}

function hostError(host: string): string | null {
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) return "missing ']' in host";
    if (!validOptionalPort(host.slice(end + 1))) return `invalid port ${quote(host.slice(end + 1))} after host`;
  } else if (host.includes(':') && !validOptionalPort(host.slice(host.lastIndexOf(':')))) return `invalid port ${quote(host.slice(host.lastIndexOf(':')))} after host`;
  const escape = badEscape(host, true);
  if (escape) return escape;
  const bad = [...host].find((c) => !HOST_CHAR.test(c));
  return bad === undefined ? null : `invalid character ${quote(bad)} in host name`;
}

export interface GoUrl {
  scheme: string;
  /** URL.Hostname(): the host without port and brackets. */
  hostname: string;
  path: string;
}

/** net/url.Parse: the parts cloudflared looks at, or Go's error (`parse "…": …`). */
export function parseGoUrl(raw: string): GoUrl | string {
  const error = (message: string) => `parse ${quote(raw.split('#')[0]!)}: ${message}`;
  const url = raw.split('#')[0]!;
  if (/[\x00-\x1f\x7f]/.test(url)) return error('net/url: invalid control character in URL');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (url.startsWith(':')) return error('missing protocol scheme');
  let rest = scheme ? url.slice(scheme[0].length) : url;
  rest = rest.endsWith('?') && rest.split('?').length === 2 ? rest.slice(0, -1) : rest.split('?')[0]!;
  const result: GoUrl = { scheme: scheme ? scheme[1]!.toLowerCase() : '', hostname: '', path: '' };
  if (!rest.startsWith('/')) {
    if (scheme) return result;
    if (rest.split('/')[0]!.includes(':')) return error('first path segment in URL cannot contain colon');
  }
  if (rest.startsWith('//') && (scheme || !rest.startsWith('///'))) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const problem = hostError(host);
    if (problem) return error(problem);
    const colon = host.lastIndexOf(':');
    const bare = colon >= 0 && validOptionalPort(host.slice(colon)) ? host.slice(0, colon) : host;
    result.hostname = bare.startsWith('[') && bare.endsWith(']') ? bare.slice(1, -1) : bare;
  }
  const escape = badEscape(rest);
  if (escape) return error(escape);
  result.path = rest;
  return result;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration's error, or null: `-5s`, `.5s`, `1h2m3.5s` and `0` are all durations. */
export function goDurationError(text: string): string | null {
  const invalid = `time: invalid duration ${quote(text)}`;
  const unsigned = text.replace(/^[-+]/, '');
  if (unsigned === '0') return null;
  if (unsigned === '') return invalid;
  let total = 0;
  for (let rest = unsigned; rest !== ''; ) {
    const number = /^([0-9]*)(\.([0-9]*))?/.exec(rest)!;
    if (!/^[0-9.]/.test(rest) || (number[1] === '' && !number[3])) return invalid;
    rest = rest.slice(number[0].length);
    const unit = /^[^0-9.]*/.exec(rest)![0];
    if (unit === '') return `time: missing unit in duration ${quote(text)}`;
    if (!(unit in UNITS)) return `time: unknown unit ${quote(unit)} in duration ${quote(text)}`;
    total += Number(`${number[1] || '0'}.${number[3] || '0'}`) * UNITS[unit]!;
    rest = rest.slice(unit.length);
  }
  return total > 9223372036854775807 ? invalid : null;
}

/** strconv.Atoi: the number, or Go's error. */
export function goAtoi(text: string): number | string {
  if (!/^[-+]?[0-9]+$/.test(text)) return `strconv.Atoi: parsing ${quote(text)}: invalid syntax`;
  const value = BigInt(text);
  return value > 9223372036854775807n || value < -9223372036854775808n ? `strconv.Atoi: parsing ${quote(text)}: value out of range` : Number(value);
}

export type GoType = 'duration' | 'bool' | 'int' | 'uint' | 'string';

// yaml.v3 turns a quoted or odd-cased scalar into a Go bool only from this YAML 1.1 list.
const YAML11_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const yamlTag = (value: unknown) => (typeof value === 'string' ? '!!str' : typeof value === 'boolean' ? '!!bool' : Number.isInteger(value) ? '!!int' : typeof value === 'number' ? '!!float' : '!!map');
const GO_NAMES: Record<GoType, string> = { duration: 'time.Duration', bool: 'bool', int: 'int', uint: 'uint', string: 'string' };

/** yaml.v3's error decoding a scalar into a Go field of this type, or null (null values decode to zero). */
export function yamlDecodeError(type: GoType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const ok =
    type === 'duration' ? typeof value === 'string' && goDurationError(value) === null
    : type === 'bool' ? typeof value === 'boolean' || (typeof value === 'string' && YAML11_BOOLS.has(value))
    // yaml.v3 truncates a float into an integer field.
    : type === 'int' ? typeof value === 'number'
    : type === 'uint' ? typeof value === 'number' && value >= 0
    : typeof value !== 'object';
  return ok ? null : `yaml: unmarshal errors:\n  cannot unmarshal ${yamlTag(value)} \`${String(value)}\` into ${GO_NAMES[type]}`;
}
