import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/io/diff.js';
import { tempProject } from './helpers/cli.js';

describe('unifiedDiff', () => {
  it.each([
    ['a\nb\n', 'a\nc\n', ['@@ -1,2 +1,2 @@', ' a', '-b', '+c']],
    ['', 'a\nb\n', ['@@ -0,0 +1,2 @@', '+a', '+b']],
    ['a\nb\n', '', ['@@ -1,2 +0,0 @@', '-a', '-b']],
    ['a\n', 'a', ['@@ -1,1 +1,1 @@', '-a', '+a', '\\ No newline at end of file']],
    ['1\n2\n3\n4\n5\n6\n7\n8\n9\n', '1\n2\n3\n4\n5\n6\n7\n8\nX\n', ['@@ -6,4 +6,4 @@', ' 6', ' 7', ' 8', '-9', '+X']],
    ['x\n1\n2\n3\n4\n5\n6\ny\n', 'X\n1\n2\n3\n4\n5\n6\nY\n', ['@@ -1,8 +1,8 @@', '-x', '+X', ' 1', ' 2', ' 3', ' 4', ' 5', ' 6', '-y', '+Y']],
    ['x\n1\n2\n3\n4\n5\n6\n7\n8\ny\n', 'X\n1\n2\n3\n4\n5\n6\n7\n8\nY\n', ['@@ -1,4 +1,4 @@', '-x', '+X', ' 1', ' 2', ' 3', '@@ -7,4 +7,4 @@', ' 6', ' 7', ' 8', '-y', '+Y']],
  ])('%j -> %j', (before, after, hunks) => expect(unifiedDiff(before, after, 'f').split('\n')).toEqual(['--- a/f', '+++ b/f', ...hunks]));

  it('has no hunk for equal texts', () => expect(unifiedDiff('a\n', 'a\n', 'f')).toBe('--- a/f\n+++ b/f'));

  it('is a patch that GNU patch applies exactly (300 seeded runs)', () => {
    const dir = tempProject();
    const text = fc.tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 30 }), fc.boolean()).map(([words, newline]) => (words.length ? words.join('\n') + (newline ? '\n' : '') : ''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        fc.pre(before !== after);
        writeFileSync(join(dir, 'f'), before);
        writeFileSync(join(dir, 'patch'), `${unifiedDiff(before, after, 'f')}\n`);
        execFileSync('patch', ['-s', '-p1', '--no-backup-if-mismatch', '-i', 'patch'], { cwd: dir, stdio: 'pipe' });
        expect(readFileSync(join(dir, 'f'), 'utf8')).toBe(after);
      }),
      { numRuns: 300, seed: 18 },
    );
  });
});
