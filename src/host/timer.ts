import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveFile } from './installers/index.js';
import type { HostLayout } from './layout.js';

export const timerName = (domain: string) => `proxygen-refresh-${domain}`;

// systemd splits ExecStart= on spaces and honours double quotes.
const quoted = (word: string) => (/[\s"\\]/.test(word) ? `"${word.replace(/["\\]/g, '\\$&')}"` : word);

/** The installed binary as this process was started: node and the script, both by absolute path. */
export function installedCommand(): string[] {
  return [process.execPath, realpathSync(process.argv[1]!)];
}

/** A oneshot service running refresh-allowlist for the site, and a timer every 30 minutes. */
export function timerUnits(domain: string, configPath: string, host: HostLayout): LiveFile[] {
  const name = timerName(domain);
  const exec = [...installedCommand(), 'refresh-allowlist', '--config', configPath, ...(host.underRoot ? ['--root', host.root] : [])].map(quoted).join(' ');
  const service = `# Written by \`proxygen apply\` for ${domain}; \`proxygen uninstall\` removes it.
[Unit]
Description=proxygen: refresh the allowlists of ${domain}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${exec}
`;
  const timer = `# Written by \`proxygen apply\` for ${domain}; \`proxygen uninstall\` removes it.
[Unit]
Description=proxygen: refresh the allowlists of ${domain} every 30 minutes

[Timer]
OnCalendar=*:0/30
RandomizedDelaySec=5min
Persistent=true

[Install]
WantedBy=timers.target
`;
  return [
    { path: join(host.systemdDir, `${name}.service`), content: service, mode: 0o644 },
    { path: join(host.systemdDir, `${name}.timer`), content: timer, mode: 0o644 },
  ];
}
