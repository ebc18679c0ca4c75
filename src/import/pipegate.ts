import { size, sizeText } from '../config/values.js';
import { parseEnvFile } from './env.js';
import type { Imported } from './types.js';

const DEFAULT_SECRETS = /^(change-me.*|changeme|secret|my-secret)$/i;

/** PipeGate's environment file (seed 002) -> proxygen values. PIPEGATE_JWT_SECRET is only checked for presence. */
export function importPipegate(text: string): Imported {
  const env = parseEnvFile(text);
  const warnings: string[] = [];
  const values: Imported['values'] = {};
  const host = env.PIPEGATE_HOST ?? env.UVICORN_HOST ?? '127.0.0.1';
  const portText = env.PIPEGATE_PORT ?? env.UVICORN_PORT ?? env.PORT ?? '8000';
  const portOk = /^[0-9]{1,5}$/.test(portText) && Number(portText) >= 1 && Number(portText) <= 65535;
  const port = portOk ? Number(portText) : 8000;
  if (!portOk) warnings.push('the server port is not a number from 1 to 65535; 8000 is kept');
  const loopback = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
  if (loopback !== host) warnings.push(`the server binds ${host || '(empty)'} (every interface): the proxy will use 127.0.0.1; bind 127.0.0.1 so port ${port} is not reachable around the proxy`);
  if (/^[0-9.]+$|^localhost$/.test(loopback)) values.upstream = `http://${loopback}:${port}`;
  else warnings.push('the server host is not an IPv4 address or localhost; the preset upstream is kept');

  const body = env.PIPEGATE_MAX_BODY_BYTES;
  if (body !== undefined) {
    const bytes = Number(body);
    const text = Number.isInteger(bytes) && bytes > 0 ? sizeText(bytes) : '';
    if (text && size.safeParse(text).success) {
      values.limits = { body: text };
      // PipeGate answers 504 after 5 minutes itself, so the proxy waits longer (6m) on the passthrough.
      values.routes = [{ path: '/', timeout: '6m', body: text }];
    } else warnings.push('PIPEGATE_MAX_BODY_BYTES is not a whole number of bytes; the 10 MB default is kept');
  }
  const secret = env.PIPEGATE_JWT_SECRET;
  if (!secret) warnings.push('PIPEGATE_JWT_SECRET is not set: PipeGate refuses tunnel clients without it');
  else if (DEFAULT_SECRETS.test(secret)) warnings.push('PIPEGATE_JWT_SECRET is an example value: generate one with openssl rand -hex 32');
  if (!env.PIPEGATE_JWT_ALGORITHMS) warnings.push('PIPEGATE_JWT_ALGORITHMS is not set (PipeGate requires it, e.g. \'["HS256"]\')');
  return { kind: 'pipegate', preset: 'pipegate', values, warnings };
}
