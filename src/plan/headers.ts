import type { ConfigFile } from '../config/schema.js';

/** One response header the proxy decides: a value replaces the app's, null removes it. */
export interface HeaderOp {
  name: string;
  value: string | null;
}

export type HeadersInput = { set?: Record<string, string>; remove?: string[] };

/** Headers that frame the message or the connection: the proxy's own business, never configured. */
export const RESERVED_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'content-encoding', 'host'];

export const headerOpsOf = (input: HeadersInput | undefined): HeaderOp[] => [
  ...Object.entries(input?.set ?? {}).map(([name, value]) => ({ name, value })),
  ...(input?.remove ?? []).map((name) => ({ name, value: null })),
];

/** `own` wins by name (case-insensitive); the base keeps its order and own's new names follow. */
export function mergeHeaderOps(base: HeaderOp[], own: HeaderOp[]): HeaderOp[] {
  const byName = new Map(own.map((op) => [op.name.toLowerCase(), op]));
  const merged = base.map((op) => byName.get(op.name.toLowerCase()) ?? op);
  const taken = new Set(base.map((op) => op.name.toLowerCase()));
  return [...merged, ...own.filter((op) => !taken.has(op.name.toLowerCase()))];
}

/** Why a headers block cannot be used as written, each with the key path below it. */
export function headerIssues(input: NonNullable<ConfigFile['headers']> | HeadersInput | undefined, fixed: string[]): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const op of headerOpsOf(input)) {
    const lower = op.name.toLowerCase();
    const path = op.value === null ? ['remove', input!.remove!.indexOf(op.name)] : ['set', op.name];
    if (RESERVED_HEADERS.includes(lower)) issues.push({ path, message: `${op.name} belongs to the proxy and the connection; it cannot be set or removed` });
    else if (fixed.includes(lower)) issues.push({ path, message: `${op.name} is one of the security headers (headers.security); set headers.security: false to choose your own, or change it per route` });
    else if (seen.has(lower)) issues.push({ path, message: `${op.name} is already ${seen.get(lower)}; one value per header` });
    seen.set(lower, op.value === null ? 'removed' : 'set');
  }
  return issues;
}
