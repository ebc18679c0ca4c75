import { describe, expect, it } from 'vitest';
import { validateCloudflared } from '../src/validate/cloudflared.js';
import { validateNgrok } from '../src/validate/ngrok.js';

const CATCH_ALL = '  - service: http_status:404\n';
const rule = (body: string) => `tunnel: t\ningress:\n  - hostname: a.example.com\n${body}${CATCH_ALL}`;
const errors = (findings: { severity: string; message: string }[]) => findings.filter((f) => f.severity === 'error').map((f) => f.message);
const warnings = (findings: { severity: string; message: string }[]) => findings.filter((f) => f.severity === 'warning').map((f) => f.message);

// Cases and messages from cloudflared's config/configuration.go and ingress/ingress.go
// (shared/research/validators.md section 1).
describe('cloudflared rules', () => {
  it.each([
    ['a valid config', rule('    service: http://127.0.0.1:9090\n'), null, 'ingress/ingress.go:245-359 validateIngress'],
    ['a single catch-all rule', `tunnel: t\ningress:\n${CATCH_ALL}`, null, 'ingress.go:374 isCatchAllRule'],
    ['no ingress', 'tunnel: t\n', "The config file doesn't contain any ingress rules", 'ingress.go:22 ErrNoIngressRules'],
    ['an empty ingress', 'tunnel: t\ningress: []\n', "The config file doesn't contain any ingress rules", 'ingress.go:87-92 ParseIngress'],
    ['an empty file', '', 'No configuration file was found. Please create one, or use the --config flag to specify its filepath. You can use the help command to learn more about configuration files', 'cmd/cloudflared/tunnel/ingress_subcommands.go:112-113'],
    ['no catch-all at the end', 'ingress:\n  - hostname: a.example.com\n    service: http://x:1\n', 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)', 'ingress.go:386-395'],
    ['a catch-all before the end', `ingress:\n  - service: http://x:1\n  - hostname: a.example.com\n    service: http://x:1\n${CATCH_ALL}`, "Rule #1 is matching the hostname '', but this will match every hostname, meaning the rules which follow it will never be triggered.", 'ingress.go:386-395'],
    ['a "*" catch-all before the end', `ingress:\n  - hostname: "*"\n    service: http://x:1\n${CATCH_ALL}`, "Rule #1 is matching the hostname '*', but this will match every hostname, meaning the rules which follow it will never be triggered.", 'ingress.go:374, :386-395'],
    ['a path-only rule is not a catch-all', `ingress:\n  - path: ^/a\n    service: http://x:1\n${CATCH_ALL}`, null, 'ingress.go:374'],
    ['a last rule with a path', 'ingress:\n  - path: ^/a\n    service: http_status:404\n', 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)', 'ingress.go:374'],
    ['a port in the hostname', `ingress:\n  - hostname: a.example.com:8080\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname cannot contain a port', 'ingress.go:362-366 net.SplitHostPort'],
    ['a wildcard in the middle', `ingress:\n  - hostname: test.*.example.com\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"', 'ingress.go:369-371 strings.LastIndex'],
    ['*example.com (accepted, never matches)', `ingress:\n  - hostname: "*example.com"\n    service: http://x:1\n${CATCH_ALL}`, null, 'ingress.go:369-371; rule_test.go:99'],
    ['a service with a path', rule('    service: http://127.0.0.1:9090/\n'), "http://127.0.0.1:9090/ is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path", 'ingress.go:251-312 (u.Path != "")'],
    ['a service with a query only', rule('    service: http://127.0.0.1:9090?x=1\n'), null, 'ingress.go:251-312 (only u.Path is checked)'],
    ['a service without a scheme', rule('    service: localhost:8000\n'), 'localhost:8000 is an invalid address, please make sure it has a scheme and a hostname', 'ingress.go:251-312 (empty scheme or host)'],
    ['an IP service without a scheme', rule('    service: 127.0.0.1:8000\n'), 'parse "127.0.0.1:8000": first path segment in URL cannot contain colon', 'Go net/url url.Parse error'],
    ['a space in the host', rule('    service: https://local host:8000\n'), 'parse "https://local host:8000": invalid character " " in host name', 'Go net/url url.Parse error'],
    ['a missing service', rule(''), ' is an invalid address, please make sure it has a scheme and a hostname', 'ingress.go:251-312 (empty service)'],
    ['http_status out of range', rule('    service: http_status:1000\n'), 'invalid HTTP status code: 1000', 'ingress.go:251-312 (100..999)'],
    ['http_status not a number', rule('    service: http_status:abc\n'), 'invalid HTTP status code: strconv.Atoi: parsing "abc": invalid syntax', 'ingress.go:251-312 strconv.Atoi'],
    ['http_status 100 and 999 are fine', rule('    service: http_status:999\n'), null, 'ingress.go:251-312 (100..999)'],
    ['unix socket without validation', rule('    service: "unix:"\n'), null, 'ingress.go:251-312 (unix: prefix)'],
    ['hello_world', rule('    service: hello_world\n'), null, 'ingress.go:251-312 (hello_world)'],
    ['bastion mode with no service', rule('    originRequest: { bastionMode: true }\n'), null, 'ingress.go:251-312 (bastionMode)'],
    ['an invalid path regex', rule('    path: "^/a("\n    service: http://x:1\n'), 'Rule #1 has an invalid regex: error parsing regexp: ', 'ingress.go:339-347 regexp.Compile'],
    ['a lookahead (not RE2)', rule('    path: "^/a(?=b)"\n    service: http://x:1\n'), 'Rule #1 has an invalid regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`', 'ingress.go:339-347; Go regexp/syntax'],
    ['a duration as a bare number', rule('    service: http://x:1\n    originRequest: { connectTimeout: 30 }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!int `30` into time.Duration', 'config/configuration.go:191-234; yaml.v3 time.Duration'],
    ['a bool that is not one', rule('    service: http://x:1\n    originRequest: { noTLSVerify: maybe }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!str `maybe` into bool', 'config/configuration.go:191-234; yaml.v3 bool'],
    ['yes is a Go bool', rule('    service: http://x:1\n    originRequest: { noTLSVerify: "yes" }\n'), null, 'yaml.v3 resolve.go (y/yes/on into a Go bool)'],
    ['retries as a string', `retries: many\n${rule('    service: http://x:1\n')}`, 'expected int found string for retries', 'config/configuration.go:284'],
    ['grace-period not a duration', `grace-period: abc\n${rule('    service: http://x:1\n')}`, 'time: invalid duration "abc"', 'config/configuration.go:297; time.ParseDuration'],
    ['access with audTag and no team', rule('    service: http://x:1\n    originRequest: { access: { required: true, audTag: [a] } }\n'), 'access.TeamName cannot be blank when access.audTags are present', 'ingress.go:231-243'],
    ['url set with ingress', `url: http://x:1\n${rule('    service: http://x:1\n')}`, "You can't set the --url flag (or $TUNNEL_URL) when using multiple-origin ingress rules", 'ingress_subcommands.go:91-92'],
    ['YAML syntax', 'ingress: [\n', 'error parsing YAML in config file at c.yml: ', 'config/configuration.go:408'],
    ['socks-proxy with a bad CIDR', rule('    service: socks-proxy\n    originRequest: { ipRules: [{ prefix: 10.0.0.0/33, allow: true }] }\n'), 'unable to create ip rule for socks-proxy: unable to parse cidr: 10.0.0.0/33', 'ipaccess/access.go:35-70'],
    ['socks-proxy with a rule without prefix', rule('    service: socks-proxy\n    originRequest: { ipRules: [{ ports: [80], allow: true }] }\n'), 'unable to create ip rule for socks-proxy: no prefix provided', 'ipaccess/access.go:35-70'],
    ['socks-proxy with port 0', rule('    service: socks-proxy\n    originRequest: { ipRules: [{ prefix: 10.0.0.0/8, ports: [0], allow: true }] }\n'), 'unable to create ip rule for socks-proxy: invalid port 0, needs to be between 1 and 65535', 'ipaccess/access.go:35-70'],
    ['bad ipRules on an http rule are dropped', rule('    service: http://x:1\n    originRequest: { ipRules: [{ prefix: nonsense }] }\n'), null, 'ingress/config.go:272-279 (lenient)'],
    ['socks-proxy with valid rules', rule('    service: socks-proxy\n    originRequest: { ipRules: [{ prefix: 10.0.0.0/8, ports: [80, 443], allow: true }] }\n'), null, 'ipaccess/access.go:35-70'],
    ['port checked before wildcard', `ingress:\n  - hostname: "a.*.example.com:80"\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname cannot contain a port', 'ingress.go:361-366 (port first)'],
    ['a *.example.com wildcard', `ingress:\n  - hostname: "*.example.com"\n    service: http://x:1\n${CATCH_ALL}`, null, 'ingress.go:369-371'],
    ['http_status:99', rule('    service: http_status:99\n'), 'invalid HTTP status code: 99', 'ingress.go:251-312 (100..999)'],
    ['unix+tls with an empty path', rule('    service: "unix+tls:"\n'), null, 'ingress.go:251-312 (unix+tls: prefix)'],
    ['hello-world spelt with a dash', rule('    service: hello-world\n'), null, 'ingress.go:251-312'],
    ['bastion as a service', rule('    service: bastion\n'), null, 'ingress.go:251-312'],
    ['root-level bastionMode lets a rule omit service', `originRequest: { bastionMode: true }\n${rule('')}`, null, 'ingress.go:251-312 (effective bastionMode)'],
    ['ssh:// is TCP over WebSocket', rule('    service: ssh://127.0.0.1:22\n'), null, 'ingress/origin_service.go:131-146'],
    ['http:// with no host', rule('    service: "http://"\n'), 'http:// is an invalid address, please make sure it has a scheme and a hostname', 'ingress.go:251-312'],
    ['a duration in microseconds (Go accepts µs and us)', `grace-period: 1500µs\n${rule('    service: http://x:1\n    originRequest: { connectTimeout: 250us }\n')}`, null, 'time/format.go unitMap'],
    ['durations as Go strings', `grace-period: 1m30s\nretries: 5\n${rule('    service: http://x:1\n    originRequest: { connectTimeout: 10s, keepAliveTimeout: 2m }\n')}`, null, 'configuration.go:284-297; time.ParseDuration'],
    // Issue 22 item 5: Go's RE2, net/url, net.SplitHostPort, strconv, time and yaml.v3 rules.
    ['RE2: (?i) flags', rule("    path: '(?i)^/api'\n    service: http://x:1\n"), null, 'Go regexp/syntax parsePerlFlags'],
    ['RE2: (?P<name>) groups', rule("    path: '^/(?P<v>v[0-9]+)/'\n    service: http://x:1\n"), null, 'Go regexp/syntax named captures'],
    ['RE2: a{1001}', rule("    path: 'a{1001}'\n    service: http://x:1\n"), 'Rule #1 has an invalid regex: error parsing regexp: invalid repeat count: `{1001}`', 'Go regexp/syntax (repeat count <= 1000)'],
    ['RE2: nested repeats over 1000', rule("    path: '(a{10}){200}'\n    service: http://x:1\n"), 'Rule #1 has an invalid regex: error parsing regexp: invalid repeat count: `{200}`', 'Go regexp/syntax repeatIsValid'],
    ['RE2: \\Z', rule("    path: '^/a\\Z'\n    service: http://x:1\n"), 'Rule #1 has an invalid regex: error parsing regexp: invalid escape sequence: `\\Z`', 'Go regexp/syntax parseEscape'],
    ['RE2: a backreference', rule("    path: '(a)\\1'\n    service: http://x:1\n"), 'Rule #1 has an invalid regex: error parsing regexp: invalid escape sequence: `\\1`', 'Go regexp/syntax parseEscape'],
    ['RE2: a lookbehind', rule("    path: '(?<=a)b'\n    service: http://x:1\n"), 'Rule #1 has an invalid regex: error parsing regexp: invalid named capture: `(?<=a)b`', 'Go 1.22+ regexp/syntax (?<name>)'],
    ['RE2: a possessive quantifier', rule("    path: 'a++'\n    service: http://x:1\n"), 'Rule #1 has an invalid regex: error parsing regexp: invalid nested repetition operator: `++`', 'Go regexp/syntax repeat'],
    ['RE2: \\Q...\\E and POSIX classes', rule("    path: '^\\Q/a.b\\E[[:alpha:]]+$'\n    service: http://x:1\n"), null, 'Go regexp/syntax'],
    ['hostname with a named port', `ingress:\n  - hostname: a.example.com:http\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname cannot contain a port', 'net.SplitHostPort (port not checked)'],
    ['hostname [::1]:8080', `ingress:\n  - hostname: "[::1]:8080"\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname cannot contain a port', 'net.SplitHostPort'],
    ['hostname ::1 (too many colons: no port)', `ingress:\n  - hostname: "::1"\n    service: http://x:1\n${CATCH_ALL}`, null, 'net.SplitHostPort'],
    ['service missing its ]', rule('    service: "http://[::1:8080"\n'), 'parse "http://[::1:8080": missing \']\' in host', 'net/url parseHost'],
    ['service with a negative port', rule('    service: http://localhost:-1\n'), 'parse "http://localhost:-1": invalid port ":-1" after host', 'net/url validOptionalPort'],
    ['service with a brace in the host', rule('    service: "http://a{b}:80"\n'), 'parse "http://a{b}:80": invalid character "{" in host name', 'net/url shouldEscape(encodeHost)'],
    ['service with an IPv6 host', rule('    service: "http://[::1]:8080"\n'), null, 'net/url parseHost'],
    ['service http:localhost (opaque, no host)', rule('    service: http:localhost\n'), 'http:localhost is an invalid address, please make sure it has a scheme and a hostname', 'net/url (opaque); ingress.go'],
    ['service with any other scheme', rule('    service: tcp://db:5432\n'), null, 'ingress/origin_service.go (TCP over WebSocket)'],
    ['http_status:+200', rule('    service: http_status:+200\n'), null, 'strconv.Atoi accepts a sign'],
    ['http_status:-200', rule('    service: http_status:-200\n'), 'invalid HTTP status code: -200', 'ingress.go (100..999)'],
    ['http_status out of int range', rule('    service: http_status:99999999999999999999\n'), 'invalid HTTP status code: strconv.Atoi: parsing "99999999999999999999": value out of range', 'strconv.Atoi'],
    ['durations -5s and .5s', rule('    service: http://x:1\n    originRequest: { connectTimeout: -5s, tlsTimeout: .5s, keepAliveTimeout: 1h2m3.5s }\n'), null, 'time.ParseDuration'],
    ['a duration without unit in originRequest', rule('    service: http://x:1\n    originRequest: { connectTimeout: "5" }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!str `5` into time.Duration', 'yaml.v3 decode into time.Duration'],
    ['a flag duration without unit', `grace-period: "5"\n${rule('    service: http://x:1\n')}`, 'time: missing unit in duration "5"', 'time.ParseDuration'],
    ['a flag duration with an unknown unit', `grace-period: 5x\n${rule('    service: http://x:1\n')}`, 'time: unknown unit "x" in duration "5x"', 'time.ParseDuration'],
    ['a flag duration as a number', `grace-period: 5\n${rule('    service: http://x:1\n')}`, 'expected duration found int for grace-period', 'config/configuration.go:297'],
    ['a quoted "true" for a bool', rule('    service: http://x:1\n    originRequest: { noTLSVerify: "true" }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!str `true` into bool', 'yaml.v3 (a !!str is no bool)'],
    ['True and Yes are bools', rule('    service: http://x:1\n    originRequest: { noTLSVerify: True, http2Origin: Yes, bastionMode: OFF }\n'), null, 'yaml.v3 resolve + YAML 1.1 list'],
    ['yEs is no bool', rule('    service: http://x:1\n    originRequest: { noTLSVerify: yEs }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!str `yEs` into bool', 'yaml.v3 YAML 1.1 list (exact spellings)'],
    ['1 is no bool', rule('    service: http://x:1\n    originRequest: { noTLSVerify: 1 }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!int `1` into bool', 'yaml.v3'],
    ['a negative proxyPort', rule('    service: http://x:1\n    originRequest: { proxyPort: -1 }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!int `-1` into uint', 'yaml.v3 decode into uint'],
    ['keepAliveConnections as a string', rule('    service: http://x:1\n    originRequest: { keepAliveConnections: "100" }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!str `100` into int', 'yaml.v3 decode into int'],
    ['warp-routing maxActiveFlows negative', `warp-routing: { maxActiveFlows: -1 }\n${rule('    service: http://x:1\n')}`, 'yaml: unmarshal errors:\n  cannot unmarshal !!int `-1` into uint', 'configuration.go:263-267; yaml.v3'],
  ])('%s', (_name, text, message, _source) => {
    const found = errors(validateCloudflared('c.yml', text));
    if (message === null) expect(found).toEqual([]);
    else {
      expect(found).toHaveLength(1);
      expect(found[0]!.startsWith(message)).toBe(true);
    }
  });

  it('reports the first error only, in upstream order (service before hostname)', () => {
    expect(errors(validateCloudflared('c.yml', `ingress:\n  - hostname: a:1\n    service: 127.0.0.1:1\n${CATCH_ALL}`))).toEqual(['parse "127.0.0.1:1": first path segment in URL cannot contain colon']);
  });

  it('warp-routing and access keys outside the structs warn (configuration.go:263-267, ingress_subcommands.go:94-97)', () => {
    const findings = validateCloudflared('c.yml', `warp-routing: { enabled: true }\n${rule('    service: http://x:1\n    originRequest: { access: { required: true, teamName: t, audTags: [a] } }\n')}`);
    expect(errors(findings)).toEqual([]);
    expect(warnings(findings).map((w) => w.replace(/line \d+/, 'line N'))).toEqual([
      'Warning: unused keys detected in your config file: line N: field enabled not found in type config.WarpRoutingConfig',
      'Warning: unused keys detected in your config file: line N: field audTags not found in type config.AccessConfig',
    ]);
  });

  it('unknown keys inside rules warn; unknown top-level keys are silent', () => {
    const findings = validateCloudflared('c.yml', `whatever: 1\n${rule('    service: http://x:1\n    originrequest: {}\n')}`);
    expect(errors(findings)).toEqual([]);
    expect(warnings(findings)).toEqual(['Warning: unused keys detected in your config file: line 6: field originrequest not found in type config.UnvalidatedIngressRule']);
  });
});

// The ngrok agent (shared/research/validators.md section 2). The agent is closed source: each
// case names the docs page (ngrok/ngrok-docs), issue thread or real-binary CI run behind it.
describe('ngrok rules', () => {
  const V3 = 'version: 3\nendpoints:\n  - name: main\n    url: https://a.ngrok.app\n    upstream:\n      url: 8080\n';
  const V2 = (tunnel: string) => `version: 2\ntunnels:\n  web:\n${tunnel}`;
  const ENDPOINT = (body: string) => `version: 3\nendpoints:\n  - name: main\n${body}`;
  it.each([
    ['a valid v3 file', V3, null, 'agent/config/v3.mdx:372-382'],
    ['v3 quoted version', V3.replace('version: 3', 'version: "3"'), null, 'pyngrok tests/test_ngrok.py (real agent)'],
    ['v3 without an agent block', V3, null, 'snippets/examples/agent-config; pyngrok tests/test_ngrok.py:852-871'],
    ['no version', 'endpoints: []\n', "Error reading configuration file 'n.yml': `version` property is required.", 'shopify-cli#2348; changelog.mdx:444'],
    ['version 4', 'version: 4\n', "Error reading configuration file 'n.yml': unsupported config version 4", 'v3.mdx:76-78 (message undocumented)'],
    ['tabs', 'version: 3\nagent:\n\tlog: stdout\n', "Error reading configuration file 'n.yml': config contains tab characters, YAML must use spaces for indentation", 'BeeF-Over-Wan#20'],
    ['a v2 root key in v3', `${V3}region: eu\n`, 'YAML parsing error: yaml: unmarshal errors:\n  line 7: field region not found in type config.v3yamlConfig', 'ngrok/ngrok#34, #40'],
    ['a v2 root authtoken in v3', `authtoken: x\n${V3}`, 'YAML parsing error: yaml: unmarshal errors:\n  line 1: field authtoken not found in type config.v3yamlConfig', 'v3.mdx top-level keys; BeeF-Over-Wan#103'],
    ['an unknown agent key', 'version: 3\nagent:\n  root_cas: trusted\n', 'YAML parsing error: yaml: unmarshal errors:\n  line 3: field root_cas not found in type config.v3AgentConfig', 'upgrade-v2-v3.mdx:36-38 (root_cas became connect_cas)'],
    ['an endpoint without upstream', ENDPOINT('    url: https://a.ngrok.app\n'), "endpoint 'main' has no upstream.url", 'v3.mdx:372-382 "required" (message undocumented)'],
    ['an endpoint without a name', 'version: 3\nendpoints:\n  - url: https://a.ngrok.app\n    upstream: { url: 8080 }\n', 'endpoint has no name', 'v3.mdx:372-382 "required" (message undocumented)'],
    ['two endpoints with one name', `${V3}  - name: main\n    upstream: { url: 8081 }\n`, "endpoint name 'main' is used twice", 'v3.mdx:372-382 "unique" (message undocumented)'],
    ['a tcp upstream on a default https endpoint', ENDPOINT('    upstream: { url: "tcp://127.0.0.1:22" }\n'), "Endpoint 'main' specifies a URL with an unsupported scheme: tcp", 'ngrok/ngrok#73'],
    ['a tcp endpoint with a tcp upstream', ENDPOINT('    url: "tcp://"\n    upstream: { url: "tcp://127.0.0.1:3245" }\n'), null, 'v3.mdx:372-382; the #73 "too many colons" was a fixed bug'],
    ['an https upstream on an https endpoint', ENDPOINT('    url: https://a.ngrok.app\n    upstream: { url: "https://127.0.0.1:8443" }\n'), null, 'v3.mdx:372-382; ngrok/ngrok#50 was a fixed bug'],
    ['a bare domain as the endpoint url', ENDPOINT('    url: example.org\n    upstream: { url: 8080 }\n'), null, 'v3.mdx:372-382'],
    ['an https endpoint on port 8443', V3.replace('https://a.ngrok.app', 'https://a.ngrok.app:8443'), 'ERR_NGROK_9035 Invalid port for URL with scheme https, allowed ports are 443', 'errors reference ERR_NGROK_9035'],
    ['an http endpoint on port 80', V3.replace('https://a.ngrok.app', 'http://a.ngrok.app:80'), null, 'v3.mdx:372-382 (80/443 with the matching scheme)'],
    ['an ftp endpoint', V3.replace('https://a.ngrok.app', 'ftp://a.ngrok.app'), 'ERR_NGROK_9036 Invalid scheme ftp, allowed schemes: http, https, tcp, tls', 'errors reference ERR_NGROK_9036'],
    ['an upstream that is not an address', ENDPOINT('    upstream: { url: "not an address" }\n'), 'ERR_NGROK_4500 not an address is not a valid tcp address or URL', 'errors reference ERR_NGROK_4500'],
    ['upstream protocol http3', `${V3}      protocol: http3\n`, 'upstream.protocol must be http1 or http2', 'v3.mdx:372-382 (http1|http2; message undocumented)'],
    ['two bindings', `${V3}    bindings: [public, internal]\n`, 'bindings takes one of public, internal, kubernetes', 'v3.mdx:372-382 "at most one"'],
    ['agent_tls_termination on https', `${V3}    agent_tls_termination: { server_certificate: a.pem }\n`, 'agent_tls_termination is only for tls:// endpoints', 'v3.mdx:372-382'],
    ['proxy_protocol 3', `${V3}      proxy_protocol: 3\n`, "ERR_NGROK_1123 specifies invalid protocol version. Use one of version '1' or '2' to enable proxy proto.", 'errors reference ERR_NGROK_1123'],
    ['a labeled tunnel in v3', 'version: 3\ntunnels:\n  web:\n    labels: [edge=x]\n    addr: 8080\n', "tunnel 'web': labeled tunnels are not supported by config version 3", 'v3.mdx:24'],
    ['a valid v2 tunnel', V2('    proto: http\n    addr: 8080\n    domain: a.ngrok.app\n'), null, 'agent/config/v2.mdx:479-524'],
    ['v2 quoted version', V2('    proto: http\n    addr: 8080\n').replace('version: 2', 'version: "2"'), null, 'pyngrok tests (real agent)'],
    ['a v2 tunnel without proto or labels', V2('    addr: 8080\n'), 'ERR_NGROK_394 Each tunnel must specify either a protocol or labels, but neither was set.', 'v2.mdx:430-470; ERR_NGROK_394'],
    ['a v2 labeled tunnel', V2('    labels: [edge=edghts_x]\n    addr: 8080\n'), null, 'v2.mdx:583-608'],
    ['proto https', V2('    proto: https\n    addr: 8080\n'), "invalid tunnel configuration: Invalid protocol name 'https'", 'pyngrok#77; tests/test_ngrok.py:312-328'],
    ['an unknown http tunnel key', V2('    proto: http\n    addr: 8080\n    bind_tls: true\n'), 'YAML parsing error: yaml: unmarshal errors:\n  line 6: field bind_tls not found in type config.HTTPv2Tunnel', 'Storm-Breaker#259; colabcode#120'],
    ['basic_auth is not checked at load time', V2('    proto: http\n    addr: 8080\n    basic_auth: ["auth-token"]\n'), null, 'pyngrok CI (real agent loads it)'],
    ['a full v2 tcp tunnel', V2('    proto: tcp\n    addr: 22\n    remote_addr: 1.tcp.ngrok.io:12345\n    proxy_proto: 2\n'), null, 'v2.mdx:526-550; pyngrok CI'],
    ['a full v2 tls tunnel', V2('    proto: tls\n    addr: 443\n    crt: c.pem\n    key: k.pem\n    terminate_at: agent\n'), null, 'v2.mdx:552-581; pyngrok CI'],
    ['a v2 tcp tunnel with a domain', V2('    proto: tcp\n    addr: 22\n    domain: a.ngrok.app\n'), 'YAML parsing error: yaml: unmarshal errors:\n  line 6: field domain not found in type config.TCPv2Tunnel', 'v2.mdx:526-550 (tcp keys); upgrade-v2-v3.mdx:36-38'],
    ['v2 proxy_proto 3', V2('    proto: tcp\n    addr: 22\n    proxy_proto: 3\n'), "ERR_NGROK_1123 specifies invalid protocol version. Use one of version '1' or '2' to enable proxy proto.", 'v2.mdx; ERR_NGROK_1123'],
    ['v2 with endpoints', 'version: 2\nendpoints: []\n', 'YAML parsing error: field endpoints is not supported by config version 2', 'changelog.mdx:242 (message undocumented)'],
    ['v2 with agent', 'version: 2\nagent: { log: stdout }\n', 'YAML parsing error: field agent is not supported by config version 2', 'changelog.mdx:242 (message undocumented)'],
    // Issue 22 item 6: upstreams and policy phases the agent accepts (and refuses) per protocol.
    ['a file:// upstream', ENDPOINT('    url: https://a.ngrok.app\n    upstream: { url: "file:///srv/www" }\n'), null, 'ngrok http file:///path (agent docs)'],
    ['a tls:// upstream on an https endpoint', ENDPOINT('    url: https://a.ngrok.app\n    upstream: { url: "tls://127.0.0.1:443" }\n'), null, 'agent/config/v3.mdx upstream.url'],
    ['a tls:// upstream on a tls endpoint', ENDPOINT('    url: "tls://a.ngrok.app"\n    upstream: { url: "tls://db.internal:443" }\n'), null, 'agent/config/v3.mdx upstream.url'],
    ['a bare https:// upstream', ENDPOINT('    url: https://a.ngrok.app\n    upstream: { url: "https://" }\n'), null, 'v3.mdx: a bare scheme for http endpoints'],
    ['a bare domain upstream on a tcp endpoint', ENDPOINT('    url: "tcp://"\n    upstream: { url: localhost }\n'), 'localhost: a tcp:// endpoint needs an upstream host and port', 'v3.mdx: tcp/tls need host and port'],
    ['a file:// upstream on a tcp endpoint', ENDPOINT('    url: "tcp://"\n    upstream: { url: "file:///srv" }\n'), 'file:///srv: file:// upstreams serve HTTP, this endpoint is tcp://', 'file serving is HTTP'],
    ['an upstream port over 65535', ENDPOINT('    upstream: { url: 70000 }\n'), 'ERR_NGROK_4500 70000 is not a valid tcp address or URL', 'errors reference ERR_NGROK_4500'],
    ['on_http_request on a tcp endpoint', ENDPOINT('    url: "tcp://"\n    upstream: { url: 22 }\n    traffic_policy:\n      on_http_request: [{ actions: [{ type: deny }] }]\n'), 'on_http_request applies to HTTP endpoints only; this one is tcp://', 'traffic-policy phases per protocol'],
    ['on_http_response on a tls endpoint', ENDPOINT('    url: "tls://a.ngrok.app"\n    upstream: { url: "127.0.0.1:443" }\n    traffic_policy:\n      on_http_response: [{ actions: [{ type: deny }] }]\n'), 'on_http_response applies to HTTP endpoints only; this one is tls://', 'traffic-policy phases per protocol'],
    ['on_tcp_connect on a tcp endpoint', ENDPOINT('    url: "tcp://"\n    upstream: { url: 22 }\n    traffic_policy:\n      on_tcp_connect: [{ actions: [{ type: restrict-ips, config: { allow: [10.0.0.0/8] } }] }]\n'), null, 'traffic-policy phases per protocol'],
    ['on_http_request on a v2 tcp tunnel', V2('    proto: tcp\n    addr: 22\n    traffic_policy:\n      on_http_request: [{ actions: [{ type: deny }] }]\n'), 'on_http_request applies to HTTP endpoints only; this one is tcp://', 'traffic-policy phases per protocol'],
    ['the older inbound phase is no error', `${V3}    traffic_policy:\n      inbound: [{ actions: [{ type: deny }] }]\n`, null, 'agent config check accepts it'],
    ['mapping-shaped actions are no error', `${V3}    traffic_policy:\n      on_http_request: [{ actions: { type: deny } }]\n`, null, 'agent config check accepts it'],
    ['an unknown phase', `${V3}    traffic_policy:\n      on_request: []\n`, 'unknown traffic policy phase on_request', 'traffic-policy phases'],
  ])('%s', (_name, text, message, _source) => {
    const found = errors(validateNgrok('n.yml', text));
    if (message === null) expect(found).toEqual([]);
    else expect(found[0]).toBe(message);
  });

  it.each([
    ['inbound', `${V3}    traffic_policy:\n      inbound: [{ actions: [{ type: deny }] }]\n`, 'inbound is the older name of on_http_request'],
    ['outbound', `${V3}    traffic_policy:\n      outbound: [{ actions: [{ type: deny }] }]\n`, 'outbound is the older name of on_http_response'],
    ['a mapping of actions', `${V3}    traffic_policy:\n      on_http_request: [{ actions: { type: deny } }]\n`, 'on_http_request: actions is a single mapping, not a list (the agent accepts it)'],
  ])('%s is a warning', (_name, text, message) => {
    expect(warnings(validateNgrok('n.yml', text))).toEqual([message]);
  });

  it('warns when an authtoken is written in the file', () => {
    expect(warnings(validateNgrok('n.yml', `${V3}agent:\n  authtoken: abc\n`))).toEqual(['the authtoken is written in the file']);
  });
});
