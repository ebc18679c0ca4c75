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
    ['a valid config', rule('    service: http://127.0.0.1:9090\n'), null],
    ['a single catch-all rule', `tunnel: t\ningress:\n${CATCH_ALL}`, null],
    ['no ingress', 'tunnel: t\n', "The config file doesn't contain any ingress rules"],
    ['an empty ingress', 'tunnel: t\ningress: []\n', "The config file doesn't contain any ingress rules"],
    ['an empty file', '', 'No configuration file was found. Please create one, or use the --config flag to specify its filepath. You can use the help command to learn more about configuration files'],
    ['no catch-all at the end', 'ingress:\n  - hostname: a.example.com\n    service: http://x:1\n', 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)'],
    ['a catch-all before the end', `ingress:\n  - service: http://x:1\n  - hostname: a.example.com\n    service: http://x:1\n${CATCH_ALL}`, "Rule #1 is matching the hostname '', but this will match every hostname, meaning the rules which follow it will never be triggered."],
    ['a "*" catch-all before the end', `ingress:\n  - hostname: "*"\n    service: http://x:1\n${CATCH_ALL}`, "Rule #1 is matching the hostname '*', but this will match every hostname, meaning the rules which follow it will never be triggered."],
    ['a path-only rule is not a catch-all', `ingress:\n  - path: ^/a\n    service: http://x:1\n${CATCH_ALL}`, null],
    ['a last rule with a path', 'ingress:\n  - path: ^/a\n    service: http_status:404\n', 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)'],
    ['a port in the hostname', `ingress:\n  - hostname: a.example.com:8080\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname cannot contain a port'],
    ['a wildcard in the middle', `ingress:\n  - hostname: test.*.example.com\n    service: http://x:1\n${CATCH_ALL}`, 'Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"'],
    ['*example.com (accepted, never matches)', `ingress:\n  - hostname: "*example.com"\n    service: http://x:1\n${CATCH_ALL}`, null],
    ['a service with a path', rule('    service: http://127.0.0.1:9090/\n'), "http://127.0.0.1:9090/ is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path"],
    ['a service with a query only', rule('    service: http://127.0.0.1:9090?x=1\n'), null],
    ['a service without a scheme', rule('    service: localhost:8000\n'), 'localhost:8000 is an invalid address, please make sure it has a scheme and a hostname'],
    ['an IP service without a scheme', rule('    service: 127.0.0.1:8000\n'), 'parse "127.0.0.1:8000": first path segment in URL cannot contain colon'],
    ['a space in the host', rule('    service: https://local host:8000\n'), 'parse "https://local host:8000": invalid character " " in host name'],
    ['a missing service', rule(''), ' is an invalid address, please make sure it has a scheme and a hostname'],
    ['http_status out of range', rule('    service: http_status:1000\n'), 'invalid HTTP status code: 1000'],
    ['http_status not a number', rule('    service: http_status:abc\n'), 'invalid HTTP status code: strconv.Atoi: parsing "abc": invalid syntax'],
    ['http_status 100 and 999 are fine', rule('    service: http_status:999\n'), null],
    ['unix socket without validation', rule('    service: "unix:"\n'), null],
    ['hello_world', rule('    service: hello_world\n'), null],
    ['bastion mode with no service', rule('    originRequest: { bastionMode: true }\n'), null],
    ['an invalid path regex', rule('    path: "^/a("\n    service: http://x:1\n'), 'Rule #1 has an invalid regex: error parsing regexp: '],
    ['a lookahead (not RE2)', rule('    path: "^/a(?=b)"\n    service: http://x:1\n'), 'Rule #1 has an invalid regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['a duration as a bare number', rule('    service: http://x:1\n    originRequest: { connectTimeout: 30 }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!int `30` into time.Duration'],
    ['a bool that is not one', rule('    service: http://x:1\n    originRequest: { noTLSVerify: maybe }\n'), 'yaml: unmarshal errors:\n  cannot unmarshal !!str `maybe` into bool'],
    ['yes is a Go bool', rule('    service: http://x:1\n    originRequest: { noTLSVerify: "yes" }\n'), null],
    ['retries as a string', `retries: many\n${rule('    service: http://x:1\n')}`, 'expected int found string for retries'],
    ['grace-period not a duration', `grace-period: abc\n${rule('    service: http://x:1\n')}`, 'time: invalid duration "abc"'],
    ['access with audTag and no team', rule('    service: http://x:1\n    originRequest: { access: { required: true, audTag: [a] } }\n'), 'access.TeamName cannot be blank when access.audTags are present'],
    ['url set with ingress', `url: http://x:1\n${rule('    service: http://x:1\n')}`, "You can't set the --url flag (or $TUNNEL_URL) when using multiple-origin ingress rules"],
    ['YAML syntax', 'ingress: [\n', 'error parsing YAML in config file at c.yml: '],
  ])('%s', (_name, text, message) => {
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

  it('unknown keys inside rules warn; unknown top-level keys are silent', () => {
    const findings = validateCloudflared('c.yml', `whatever: 1\n${rule('    service: http://x:1\n    originrequest: {}\n')}`);
    expect(errors(findings)).toEqual([]);
    expect(warnings(findings)).toEqual(['Warning: unused keys detected in your config file: line 6: field originrequest not found in type config.UnvalidatedIngressRule']);
  });
});

// The ngrok agent (shared/research/validators.md section 2).
describe('ngrok rules', () => {
  const V3 = 'version: 3\nendpoints:\n  - name: main\n    url: https://a.ngrok.app\n    upstream:\n      url: 8080\n';
  it.each([
    ['a valid v3 file', V3, null],
    ['v3 quoted version', V3.replace('version: 3', 'version: "3"'), null],
    ['no version', 'endpoints: []\n', "Error reading configuration file 'n.yml': `version` property is required."],
    ['version 4', 'version: 4\n', "Error reading configuration file 'n.yml': unsupported config version 4"],
    ['tabs', 'version: 3\nagent:\n\tlog: stdout\n', "Error reading configuration file 'n.yml': config contains tab characters, YAML must use spaces for indentation"],
    ['a v2 root key in v3', `${V3}region: eu\n`, 'YAML parsing error: yaml: unmarshal errors:\n  line 7: field region not found in type config.v3yamlConfig'],
    ['an endpoint without upstream', 'version: 3\nendpoints:\n  - name: main\n    url: https://a.ngrok.app\n', "endpoint 'main' has no upstream.url"],
    ['an endpoint without a name', 'version: 3\nendpoints:\n  - url: https://a.ngrok.app\n    upstream: { url: 8080 }\n', 'endpoint has no name'],
    ['a tcp upstream on a default https endpoint', 'version: 3\nendpoints:\n  - name: main\n    upstream: { url: "tcp://127.0.0.1:22" }\n', "Endpoint 'main' specifies a URL with an unsupported scheme: tcp"],
    ['an https endpoint on port 8443', V3.replace('https://a.ngrok.app', 'https://a.ngrok.app:8443'), 'ERR_NGROK_9035 Invalid port for URL with scheme https, allowed ports are 443'],
    ['proxy_protocol 3', `${V3}      proxy_protocol: 3\n`, "ERR_NGROK_1123 specifies invalid protocol version. Use one of version '1' or '2' to enable proxy proto."],
    ['a valid v2 tunnel', 'version: 2\ntunnels:\n  web:\n    proto: http\n    addr: 8080\n    domain: a.ngrok.app\n', null],
    ['a v2 tunnel without proto or labels', 'version: 2\ntunnels:\n  web:\n    addr: 8080\n', 'ERR_NGROK_394 Each tunnel must specify either a protocol or labels, but neither was set.'],
    ['proto https', 'version: "2"\ntunnels:\n  web:\n    proto: https\n    addr: 8080\n', "invalid tunnel configuration: Invalid protocol name 'https'"],
    ['an unknown http tunnel key', 'version: 2\ntunnels:\n  web:\n    proto: http\n    addr: 8080\n    bind_tls: true\n', 'YAML parsing error: yaml: unmarshal errors:\n  line 6: field bind_tls not found in type config.HTTPv2Tunnel'],
    ['v2 with endpoints', 'version: 2\nendpoints: []\n', 'YAML parsing error: field endpoints is not supported by config version 2'],
  ])('%s', (_name, text, message) => {
    const found = errors(validateNgrok('n.yml', text));
    if (message === null) expect(found).toEqual([]);
    else expect(found[0]).toBe(message);
  });

  it('warns when an authtoken is written in the file', () => {
    expect(warnings(validateNgrok('n.yml', `${V3}agent:\n  authtoken: abc\n`))).toEqual(['the authtoken is written in the file']);
  });
});
