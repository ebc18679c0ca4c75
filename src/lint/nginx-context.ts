import type { Severity } from './finding.js';
import { directives, findBlocks, type Directive } from './nginx-parse.js';

export interface Location {
  node: Directive;
  parents: Directive[];
  path: string;
  modifier: string;
}

/** A directive with the chain of blocks around it, outermost first. */
export interface Placed {
  node: Directive;
  parents: Directive[];
}

export interface Context {
  file: string;
  tree: Directive[];
  locations: Location[];
  /** Every directive of a name at any depth, in file order. */
  named: (name: string) => Directive[];
  /** The same, each with the blocks around it. */
  placed: (name: string) => Placed[];
  /** The top level and every block, outermost first. */
  blocks: Directive[][];
}

export type Hit = { line: number; message: string; fix: string; severity?: Severity };
export type Rule = { id: string; severity: Severity; check: (ctx: Context) => Hit[] };

/** Nearest definition along location -> enclosing blocks -> top level (nginx inheritance). */
export function effective(location: Placed, tree: Directive[], name: string): Directive[] {
  for (const level of [location.node, ...[...location.parents].reverse()]) {
    const found = directives(level.block, name);
    if (found.length) return found;
  }
  return directives(tree, name);
}

/** One walk for every rule: directives by name (with their parents) and the blocks, each in file order. */
export function buildContext(file: string, tree: Directive[]): Context {
  const byName = new Map<string, Placed[]>();
  const blocks: Directive[][] = [];
  const walk = (block: Directive[], parents: Directive[]) => {
    blocks.push(block);
    for (const node of block) {
      const list = byName.get(node.name);
      if (list) list.push({ node, parents });
      else byName.set(node.name, [{ node, parents }]);
      if (node.block) walk(node.block, [...parents, node]);
    }
  };
  walk(tree, []);
  const locations = findBlocks(tree, 'location').map(({ node, parents }) => {
    const [first, second] = node.args;
    const modifier = ['=', '~', '~*', '^~'].includes(first ?? '') ? first! : '';
    return { node, parents, modifier, path: (modifier ? second : first) ?? '' };
  });
  const placed = (name: string) => byName.get(name) ?? [];
  return { file, tree, locations, blocks, placed, named: (name) => placed(name).map((p) => p.node) };
}
