import type { ConfigFile, PresetName } from '../config/schema.js';

export type PresetValues = Omit<ConfigFile, 'domain' | 'preset' | 'version' | '$schema'>;

export interface Preset {
  summary: string;
  seed: string;
  values: PresetValues;
}

const PRIVATE_NETWORKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

// Ground truth: the four seed documents in shared/seeds. Numbers below are theirs unless noted.
export const PRESETS: Record<Exclude<PresetName, 'none'>, Preset> = {
  pilot: {
    summary: "Pilot's gateway on :9090: control-plane WebSocket, rate-limited webhooks, GitHub hooks allowlist, internal-only health/metrics",
    seed: '000, Networking & Tunnels',
    values: {
      upstream: 'http://127.0.0.1:9090',
      networks: { internal: PRIVATE_NETWORKS },
      allowlists: { 'github-hooks': { source: 'github-meta', sections: ['hooks'] } },
      routes: [
        { path: '/ws', websocket: true, timeout: '1h' },
        { path: '/webhooks/', rate: '10/s', burst: 20, timeout: '60s' },
        // Most specific wins, so the GitHub route repeats the webhook limits it would otherwise lose.
        { path: '/webhooks/github', allow: ['github-hooks'], rate: '10/s', burst: 20, timeout: '60s' },
        { paths: ['/health', '/ready', '/live', '/metrics'], exact: true, allow: ['internal'] },
        { path: '/api/' },
      ],
    },
  },
  'pilot-app': {
    summary: 'Pilot app on :3100 behind TLS: security headers with HSTS and the rate-limit table of the security guide',
    seed: '003, Security & Trust',
    values: {
      upstream: 'http://127.0.0.1:3100',
      headers: { security: true },
      tls: { mode: 'acme', hsts: true },
      // "N req per 1 min" windows: nginx's leaky bucket admits burst+1 at once, so burst = N - 1.
      routes: [
        { path: '/api/auth/', rate: '5/m', burst: 4 },
        { path: '/api/connectors/*/grant', rate: '10/m', burst: 9 },
        { path: '/api/connectors/*/token', rate: '10/m', burst: 9 },
        { path: '/api/tasks', rate: '30/m', burst: 29 },
        { path: '/api/', rate: '100/m', burst: 99 },
        { path: '/' },
      ],
    },
  },
  pipelit: {
    summary: 'Pipelit (FastAPI) on :8000: /ws/ WebSocket with 24 h timeouts, 50 MB bodies, HTTPS redirect, firewall script',
    seed: '001, Reverse Proxy',
    values: {
      upstream: 'http://127.0.0.1:8000',
      limits: { body: '50m' },
      routes: [{ path: '/ws/', websocket: true, timeout: '24h' }, { path: '/' }],
      firewall: { allow: [80, 443], deny: [8000, 6379] },
    },
  },
  pipegate: {
    summary: 'PipeGate server on :8000: tunnel-client WebSocket at /, passthrough for every method with 10 MB bodies, /healthz',
    seed: '002, PipeGate README',
    values: {
      upstream: 'http://127.0.0.1:8000',
      limits: { body: '10m' },
      routes: [
        { path: '/', exact: true, websocket: true, timeout: '24h' },
        { path: '/healthz', exact: true },
        // PipeGate answers 504 itself after 5 minutes; the proxy must wait longer than that.
        { path: '/', timeout: '6m', body: '10m' },
      ],
    },
  },
};
