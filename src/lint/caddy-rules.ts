import type { Finding } from './finding.js';

interface Block {
  name: string;
  args: string[];
  line: number;
  children: Block[];
}

/** Just enough Caddyfile structure for lint rules: directives, arguments, nested blocks. */
export function parseCaddyfile(text: string): Block[] {
  const root: Block = { name: '', args: [], line: 0, children: [] };
  const stack = [root];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    if (line === '}') {
      if (stack.length > 1) stack.pop();
      return;
    }
    const opens = line.endsWith('{');
    const words = (opens ? line.slice(0, -1) : line).trim().split(/\s+/).filter(Boolean);
    const block: Block = { name: words[0] ?? '', args: words.slice(1), line: index + 1, children: [] };
    stack[stack.length - 1]!.children.push(block);
    if (opens) stack.push(block);
  });
  return root.children;
}

const hasMatcher = (block: Block) => /^[@/*]/.test(block.args[0] ?? '');

/** Every block, parents before children, in file order; a stack rather than recursion, so any depth is fine. */
function walk(blocks: Block[], visit: (block: Block) => void): void {
  const pending = [...blocks].reverse();
  for (let block = pending.pop(); block; block = pending.pop()) {
    visit(block);
    for (let i = block.children.length - 1; i >= 0; i--) pending.push(block.children[i]!);
  }
}

/**
 * Caddy sorts directives inside a site or handle block: `respond` runs before `reverse_proxy`.
 * An unconditional `respond 403` beside `reverse_proxy @internal` answers everyone with 403
 * (the seed's mistake). Inside `route`, order is literal, so it is fine there.
 */
export function lintCaddy(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  walk([{ name: '(site)', args: [], line: 0, children: parseCaddyfile(text) }], (block) => {
    if (block.name === 'route') return;
    const respond = block.children.find((c) => c.name === 'respond' && !hasMatcher(c));
    const proxy = block.children.find((c) => c.name === 'reverse_proxy');
    if (respond && proxy) {
      findings.push({
        rule: 'caddy/respond-before-proxy',
        severity: 'error',
        file,
        line: respond.line,
        message: `respond ${respond.args.join(' ')} runs before reverse_proxy in Caddy's directive order: every request gets it`,
        fix: 'use a separate handle with a not remote_ip matcher for the refusal, or wrap both in route { }',
      });
    }
  });
  return findings;
}
