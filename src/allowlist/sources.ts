import type { AllowlistSource } from '../config/schema.js';
import { MetaRejected } from './validate.js';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Where each allowlist source publishes its ranges, and where the sections sit in its answer:
 * GitHub's meta API has them at the top; Cloudflare's API under `result` (ipv4_cidrs, ipv6_cidrs).
 */
export const ALLOWLIST_SOURCES: Record<AllowlistSource, { url: string; sections: (data: Record<string, unknown>) => Record<string, unknown> }> = {
  'github-meta': { url: 'https://api.github.com/meta', sections: (data) => data },
  'cloudflare-ips': {
    url: 'https://api.cloudflare.com/client/v4/ips',
    sections: (data) => {
      if (!isRecord(data.result)) throw new MetaRejected('the answer has no "result" object (Cloudflare publishes { result: { ipv4_cidrs, ipv6_cidrs } })');
      return data.result;
    },
  },
};
