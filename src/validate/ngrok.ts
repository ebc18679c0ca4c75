import type { Finding } from '../lint/finding.js';
import { policyProblems, upstreamError, type Protocol } from './ngrok-endpoint.js';
import { isRecord, readYaml } from './yaml-source.js';

// The ngrok agent's config rules (shared/research/validators.md section 2): strict YAML, a
// mandatory version, unknown keys are errors named after the agent's Go types.

const AGENT_KEYS = ['api_key', 'authtoken', 'connect_cas', 'connect_interface', 'connect_timeout', 'connect_url', 'console_ui', 'console_ui_color', 'crl_noverify', 'crl_url', 'dns_resolver_ips', 'heartbeat_interval', 'heartbeat_tolerance', 'inspect_db_size', 'log_level', 'log_format', 'log', 'metadata', 'proxy_url', 'remote_management', 'update_channel', 'update_check', 'web_addr', 'web_allow_hosts'];
const V2_ROOT = ['authtoken', 'api_key', 'connect_interface', 'connect_timeout', 'console_ui', 'console_ui_color', 'crl_noverify', 'dns_resolver_ips', 'heartbeat_interval', 'heartbeat_tolerance', 'inspect_db_size', 'log_level', 'log_format', 'log', 'metadata', 'proxy_url', 'region', 'remote_management', 'root_cas', 'server_addr', 'update_channel', 'update_check', 'version', 'web_addr', 'web_allow_hosts', 'tunnels'];
const TUNNEL_COMMON = ['proto', 'addr', 'metadata', 'traffic_policy', 'policy', 'ip_restriction', 'proxy_proto', 'labels', 'inspect'];
const TUNNEL_KEYS: Record<string, { type: string; keys: string[] }> = {
  http: { type: 'HTTPv2Tunnel', keys: ['basic_auth', 'circuit_breaker', 'compression', 'host_header', 'domain', 'hostname', 'subdomain', 'mutual_tls_cas', 'oauth', 'request_header', 'response_header', 'schemes', 'user_agent_filter', 'verify_webhook', 'websocket_tcp_converter'] },
  tcp: { type: 'TCPv2Tunnel', keys: ['remote_addr'] },
  tls: { type: 'TLSv2Tunnel', keys: ['crt', 'key', 'mutual_tls_cas', 'domain', 'hostname', 'subdomain', 'terminate_at'] },
  labeled: { type: 'LabeledTunnel', keys: ['crt', 'key'] },
};
const ENDPOINT_KEYS = ['name', 'url', 'bindings', 'metadata', 'description', 'traffic_policy', 'traffic_policy_file', 'agent_tls_termination', 'upstream'];
const UPSTREAM_KEYS = ['url', 'protocol', 'proxy_protocol'];

export function validateNgrok(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const add = (line: number, message: string, fix: string, severity: Finding['severity'] = 'error') => findings.push({ rule: 'ngrok/validate', severity, file, line, message, fix });
  const tab = text.split('\n').findIndex((line) => /^\s*\t/.test(line));
  if (tab >= 0) return (add(tab + 1, `Error reading configuration file '${file}': config contains tab characters, YAML must use spaces for indentation`, 'indent with spaces'), findings);
  const source = readYaml(text);
  if (source.syntaxError) return (add(source.syntaxError.line, `YAML parsing error: ${source.syntaxError.message}`, 'fix the YAML syntax'), findings);
  const data = isRecord(source.data) ? source.data : {};
  const unknown = (object: Record<string, unknown>, known: string[], type: string, at: (string | number)[]) => {
    for (const key of Object.keys(object)) if (!known.includes(key)) add(source.lineOf([...at, key]), `YAML parsing error: yaml: unmarshal errors:\n  line ${source.lineOf([...at, key])}: field ${key} not found in type config.${type}`, `remove or rename ${key}`);
  };
  const version = String(data.version ?? '');
  if (!('version' in data)) return (add(1, `Error reading configuration file '${file}': \`version\` property is required.`, 'add version: 3 (or run ngrok config upgrade)'), findings);
  if (version !== '2' && version !== '3') return (add(source.lineOf(['version']), `Error reading configuration file '${file}': unsupported config version ${version}`, 'version: 3'), findings);
  if ('authtoken' in data || (isRecord(data.agent) && 'authtoken' in data.agent)) add(source.lineOf(isRecord(data.agent) ? ['agent', 'authtoken'] : ['authtoken']), 'the authtoken is written in the file', 'remove it; the agent reads NGROK_AUTHTOKEN', 'warning');
  if (version === '3') {
    unknown(data, ['version', 'agent', 'endpoints', 'tunnels'], 'v3yamlConfig', []);
    if (isRecord(data.agent)) unknown(data.agent, AGENT_KEYS, 'v3AgentConfig', ['agent']);
    const names = new Set<string>();
    (Array.isArray(data.endpoints) ? data.endpoints : []).forEach((endpoint: unknown, index: number) => checkEndpoint(endpoint, ['endpoints', index]));
    if (isRecord(data.tunnels)) for (const [name, tunnel] of Object.entries(data.tunnels)) checkTunnel(name, tunnel, true);
    function checkEndpoint(endpoint: unknown, at: (string | number)[]) {
      const line = () => source.lineOf(at);
      if (!isRecord(endpoint)) return add(line(), 'endpoint is not a mapping', 'write name:, url:, upstream:');
      unknown(endpoint, ENDPOINT_KEYS, 'v3EndpointConfig', at);
      const name = typeof endpoint.name === 'string' ? endpoint.name : '';
      if (!name) add(line(), 'endpoint has no name', 'add name:');
      else if (names.has(name)) add(line(), `endpoint name '${name}' is used twice`, 'give each endpoint a unique name');
      names.add(name);
      const url = typeof endpoint.url === 'string' ? endpoint.url : '';
      const scheme = /^([a-z]+):\/\//.exec(url)?.[1] ?? 'https';
      const protocol: Protocol = scheme === 'tcp' || scheme === 'tls' ? scheme : 'http';
      if (!['http', 'https', 'tcp', 'tls'].includes(scheme)) add(source.lineOf([...at, 'url']), `ERR_NGROK_9036 Invalid scheme ${scheme}, allowed schemes: http, https, tcp, tls`, 'url: https://NAME.ngrok.app');
      const port = /^(https?):\/\/[^/:]+:([0-9]+)/.exec(url);
      if (port && !((port[1] === 'https' && port[2] === '443') || (port[1] === 'http' && port[2] === '80'))) add(source.lineOf([...at, 'url']), `ERR_NGROK_9035 Invalid port for URL with scheme ${port[1]}, allowed ports are ${port[1] === 'https' ? 443 : 80}`, 'drop the port');
      if (endpoint.bindings !== undefined && (!Array.isArray(endpoint.bindings) || endpoint.bindings.length > 1 || !['public', 'internal', 'kubernetes'].includes(String(endpoint.bindings[0])))) add(source.lineOf([...at, 'bindings']), 'bindings takes one of public, internal, kubernetes', 'bindings: [public]');
      if (endpoint.traffic_policy !== undefined && endpoint.traffic_policy_file !== undefined) add(line(), 'traffic_policy and traffic_policy_file are exclusive', 'keep one');
      if (endpoint.agent_tls_termination !== undefined && scheme !== 'tls') add(source.lineOf([...at, 'agent_tls_termination']), 'agent_tls_termination is only for tls:// endpoints', 'remove it');
      const upstream = endpoint.upstream;
      if (!isRecord(upstream) || upstream.url === undefined) return add(line(), `endpoint '${name}' has no upstream.url`, 'add upstream: { url: 8080 }');
      unknown(upstream, UPSTREAM_KEYS, 'v3UpstreamConfig', [...at, 'upstream']);
      const target = String(upstream.url);
      if (/^tcp:\/\//.test(target) && !url) add(line(), `Endpoint '${name}' specifies a URL with an unsupported scheme: tcp`, 'give the endpoint a tcp:// url');
      const upstreamProblem = upstreamError(target, protocol);
      if (upstreamProblem) add(source.lineOf([...at, 'upstream', 'url']), upstreamProblem, 'upstream.url: 8080, 127.0.0.1:8080, http://127.0.0.1:8080, tcp://HOST:PORT or file:///DIR');
      if (upstream.protocol !== undefined && !['http1', 'http2'].includes(String(upstream.protocol))) add(source.lineOf([...at, 'upstream', 'protocol']), 'upstream.protocol must be http1 or http2', 'protocol: http1');
      if (upstream.proxy_protocol !== undefined && ![1, 2, '1', '2'].includes(upstream.proxy_protocol as number)) add(source.lineOf([...at, 'upstream', 'proxy_protocol']), "ERR_NGROK_1123 specifies invalid protocol version. Use one of version '1' or '2' to enable proxy proto.", 'proxy_protocol: 1');
      checkPolicy(endpoint.traffic_policy, protocol, [...at, 'traffic_policy']);
    }
  } else {
    if ('endpoints' in data || 'agent' in data) add(source.lineOf(['endpoints' in data ? 'endpoints' : 'agent']), `YAML parsing error: field ${'endpoints' in data ? 'endpoints' : 'agent'} is not supported by config version 2`, 'use version: 3, or tunnels:');
    unknown(data, V2_ROOT.concat('endpoints', 'agent'), 'v2yamlConfig', []);
    if (isRecord(data.tunnels)) for (const [name, tunnel] of Object.entries(data.tunnels)) checkTunnel(name, tunnel);
  }
  function checkTunnel(name: string, tunnel: unknown, v3 = false) {
    const at = ['tunnels', name];
    if (!isRecord(tunnel)) return add(source.lineOf(at), `tunnel '${name}' is not a mapping`, 'write proto: and addr:');
    if (v3 && tunnel.labels !== undefined) return add(source.lineOf([...at, 'labels']), `tunnel '${name}': labeled tunnels are not supported by config version 3`, 'use an endpoint, or version: 2');
    if (tunnel.proto === undefined && tunnel.labels === undefined) return add(source.lineOf(at), 'ERR_NGROK_394 Each tunnel must specify either a protocol or labels, but neither was set.', 'add proto: http');
    const proto = tunnel.proto === undefined ? 'labeled' : String(tunnel.proto);
    if (!TUNNEL_KEYS[proto]) return add(source.lineOf([...at, 'proto']), `invalid tunnel configuration: Invalid protocol name '${proto}'`, 'proto: http, tcp or tls');
    if (tunnel.addr === undefined) add(source.lineOf(at), `tunnel '${name}' has no addr`, 'addr: 8080');
    unknown(tunnel, [...TUNNEL_COMMON, ...TUNNEL_KEYS[proto]!.keys], TUNNEL_KEYS[proto]!.type, at);
    if (tunnel.proxy_proto !== undefined && ![1, 2, '1', '2'].includes(tunnel.proxy_proto as number)) add(source.lineOf([...at, 'proxy_proto']), "ERR_NGROK_1123 specifies invalid protocol version. Use one of version '1' or '2' to enable proxy proto.", 'proxy_proto: 1');
    for (const key of ['traffic_policy', 'policy']) checkPolicy(tunnel[key], proto === 'tcp' || proto === 'tls' ? proto : 'http', [...at, key]);
  }
  function checkPolicy(policy: unknown, protocol: Protocol, at: (string | number)[]) {
    for (const problem of policyProblems(policy, protocol, at)) add(source.lineOf(problem.at), problem.message, problem.fix, problem.severity);
  }
  return findings;
}
