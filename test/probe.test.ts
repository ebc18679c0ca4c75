import { describe, expect, it } from 'vitest';
import { insideAddress, nginxLocation, pathVariants, samplePath } from '../src/probe/routes.js';
import { cidrContains } from '../src/plan/cidr.js';
import { resolveTarget } from '../src/probe/target.js';
import { cli, tempProject } from './helpers/cli.js';
import { planFrom } from './helpers/config.js';

const plan = planFrom('preset: pilot\ndomain: pilot.example.com\nroutes:\n  - path: /api/connectors/*/grant\n    rate: 10/m\n', { 'github-hooks': ['192.30.252.0/22'] });
const route = (path: string) => plan.routes.find((r) => r.match.path === path)!;

describe('probe paths come from the plan', () => {
  it.each([
    ['/ws', '/ws', 'location = /ws'],
    ['/api/', '/api/', 'location /api/'],
    ['/webhooks/github', '/webhooks/github', 'location = /webhooks/github'],
    ['/metrics', '/metrics', 'location = /metrics'],
    ['/api/connectors/*/grant', '/api/connectors/proxygen/grant', 'location ~ ^/api/connectors/[^/]*/grant$'],
  ])('%s is probed at %s (nginx %s)', (path, sample, location) => {
    expect(samplePath(plan, route(path))).toBe(sample);
    expect(nginxLocation(route(path))).toBe(location);
  });

  it.each([
    ['/metrics', ['/metrics/', '//metrics', '/%6Detrics', '/METRICS']],
    ['/webhooks/github', ['/webhooks/github/', '//webhooks/github', '/webhooks/%67ithub', '/WEBHOOKS/GITHUB']],
    ['/api/', ['/api//', '//api/', '/%61pi/', '/API/']],
  ])('variants of %s', (path, variants) => {
    expect(pathVariants(path).map((v) => v.path)).toEqual(variants);
  });

  it.each([
    [['10.0.0.0/8'], '10.0.0.1'],
    [['127.0.0.2/32'], '127.0.0.3'],
    [['2001:db8::/32'], '2001:db8::1'],
  ])('a forged inside address for %j is %s', (cidrs, address) => {
    expect(insideAddress({ ...route('/metrics'), access: { cidrs, allowlists: [], names: ['x'] } })).toBe(address);
  });

  it.each([
    [['127.0.0.2/32'], '127.0.0.2', true],
    [['127.0.0.2/32'], '127.0.0.3', false],
    [['10.0.0.0/8', '::1/128'], '::1', true],
    [['10.0.0.0/8'], '::ffff:10.1.2.3', true],
  ])('%j contains %s: %s', (cidrs, address, inside) => {
    expect(cidrs.some((cidr) => cidrContains(cidr, address))).toBe(inside);
  });
});

describe('the target: Host and SNI stay the domain, --connect-to moves the dial', () => {
  const base = { timeoutMs: 1000 };
  it.each([
    [{}, { domain: 'pilot.example.com', port: 443, httpPort: 80, connectHost: 'pilot.example.com', connectPort: 443, https: true }],
    [{ connectTo: '127.0.0.1:8443' }, { port: 443, connectHost: '127.0.0.1', connectPort: 8443 }],
    [{ connectTo: '[::1]' }, { connectHost: '::1', connectPort: 443 }],
    [{ url: 'https://pilot.example.com:9443' }, { port: 9443, connectPort: 9443, httpPort: 80 }],
    [{ url: 'http://pilot.example.com:8080' }, { https: false, port: 8080, httpPort: 8080 }],
  ])('%j', (options, expected) => {
    expect(resolveTarget(plan, { ...base, ...options })).toMatchObject(expected);
  });
});

describe('verify refuses bad flags with exit 2 before any network', () => {
  const dir = tempProject('preset: pilot\ndomain: pilot.example.com\n');
  it.each([
    [['--hold', '75'], 'proxygen: --hold 75: expected a duration such as 75s or 2m\nhint: for example --hold 75s\n'],
    [['--connections', '0'], 'proxygen: --connections 0: expected a whole number from 1\nhint: for example --connections 100\n'],
    [['--connect-to', 'a:b:c'], 'proxygen: --connect-to a:b:c: expected HOST or HOST:PORT\nhint: for example --connect-to 127.0.0.1:443\n'],
    [['--source-address', 'nowhere'], 'proxygen: --source-address nowhere: not an IP address\nhint: for example --source-address 192.0.2.10\n'],
    [['ftp://pilot.example.com'], 'proxygen: ftp://pilot.example.com: only http:// and https:// URLs\nhint: proxygen verify https://pilot.example.com\n'],
    [['--ca', '/nonexistent.pem'], 'proxygen: --ca /nonexistent.pem: cannot read\nhint: give the PEM file of the CA (or the self-signed certificate)\n'],
  ])('%j', (args, stderr) => {
    const result = cli(['verify', ...args], { cwd: dir });
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('verify when nothing answers', () => {
  it('one line says so, with the likely cause, instead of every probe failing alike', () => {
    const dir = tempProject('preset: pilot\ndomain: pilot.example.com\n');
    const result = cli(['verify', '--connect-to', '127.0.0.1:1'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^FAIL {2}reach +\d+ ms {2}ECONNREFUSED dialling 127\.0\.0\.1:1\n +fix: nothing listens there: is the proxy running, and is this the right port\?\n\n0 passed, 1 failed\n$/);
    expect(result.code).toBe(1);
  });
});
