import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, tempProject } from './helpers/cli.js';
import { debianNginxRoot, killAt, seeded, treeOf } from './helpers/host.js';
import { selfSigned } from './helpers/live.js';
import { hasTool, standInTool } from './helpers/tools.js';

const haveNginx = hasTool('nginx');

function siteConfig(dir: string, preset: string, domain: string, test: string): string {
  const { cert, key } = selfSigned(dir, domain);
  const config = join(dir, `${preset}.yaml`);
  writeFileSync(config, `preset: ${preset}\ndomain: ${domain}\nports: { http: 18080, https: 18443 }\ntls: { mode: files, cert: ${cert}, key: ${key} }\ntunnel: { provider: cloudflare, cloudflare: { tunnel: host } }\ntargets: [nginx, cloudflared]\ninstall: { nginx: { test: ${test} } }\n`);
  return config;
}

describe.runIf(haveNginx)('apply killed at random points (SIGKILL) is repaired by the next run', () => {
  let root: string;
  let dir: string;
  let pipelit: string;
  let slowTest: string;
  let before: Map<string, string>;
  let after: Map<string, string>;
  beforeAll(async () => {
    root = debianNginxRoot(18000);
    dir = tempProject();
    // Real nginx -t, after a pause: the window in which files are changed and not yet judged is
    // then wide enough for random kills to land in it often.
    slowTest = standInTool('nginx-test', `sleep 0.15\nexec nginx -t -q -e stderr -p ${root}/etc/nginx/ -c ${root}/etc/nginx/nginx.conf\n`);
    const pilot = siteConfig(dir, 'pilot', 'pilot.example.com', slowTest);
    pipelit = siteConfig(dir, 'pipelit', 'pipelit.example.com', slowTest);
    expect((await cliAsync(['apply', '--config', pilot, '--root', root])).code).toBe(0);
    before = treeOf(root);
  }, 30_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    rmSync(dirname(slowTest), { recursive: true, force: true });
  });

  it('30 seeded kills: the next apply completes it, the next uninstall undoes it, byte for byte', async () => {
    // The kills aim between the end of Node's start (timed with --version) and the end of a run.
    let started = Date.now();
    expect((await cliAsync(['--version'])).code).toBe(0);
    const startMs = Date.now() - started;
    started = Date.now();
    expect((await cliAsync(['apply', '--config', pipelit, '--root', root])).code).toBe(0);
    const fullMs = Date.now() - started;
    after = treeOf(root);
    expect((await cliAsync(['uninstall', '--site', 'pipelit.example.com', '--root', root])).code).toBe(0);
    expect(treeOf(root)).toEqual(before);
    const random = seeded(19);
    const apply = ['apply', '--config', pipelit, '--root', root];
    const uninstall = ['uninstall', '--site', 'pipelit.example.com', '--root', root];
    let interrupted = 0;
    // Kills alternate between an apply (from the host without pipelit) and an uninstall (from
    // the host with it); the next run repeats the command, which must first repair and then finish.
    for (let run = 0; run < 30; run++) {
      const args = run % 2 === 0 ? apply : uninstall;
      // Every other pair of runs is killed at a time after Node's start, the rest while the
      // change is in progress (after the journal appears): both kinds of kill, on both commands.
      const afterJournal = Math.floor(run / 2) % 2 === 1;
      const delay = Math.floor(afterJournal ? 250 * random() : startMs + (fullMs - startMs) * random());
      const killed = cliAsync(args);
      const stop = killAt(killed.child, root, delay, afterJournal);
      await killed;
      stop();
      if (existsSync(join(root, 'var/lib/proxygen/journal/journal.json'))) interrupted++;
      const next = await cliAsync(args);
      const what = run % 2 === 0 ? 'apply' : 'uninstall';
      // An uninstall that finished before its kill leaves the next one nothing to remove.
      expect(next.stderr).toMatch(new RegExp(`^(proxygen: repaired: "${what} pipelit\\.example\\.com" was interrupted; its \\d+ files were put back as they were\n)?(proxygen: uninstall: pipelit\\.example\\.com is not applied on this host\nhint: .*\n)?$`));
      expect(next.code).toBe(next.stderr.includes('is not applied') ? 2 : 0);
      expect(treeOf(root)).toEqual(run % 2 === 0 ? after : before);
    }
    console.log(`apply-kill: a full apply took ${fullMs} ms; ${interrupted} of 30 kills left a change half-done, every one repaired`);
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);
});
