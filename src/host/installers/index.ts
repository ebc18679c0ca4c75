import type { TargetName } from '../../config/schema.js';
import { caddyInstaller } from './caddy.js';
import { nginxInstaller } from './nginx.js';
import { cloudflaredInstaller } from './cloudflared.js';
import { ngrokInstaller } from './ngrok.js';
import type { Installer } from './types.js';

export type { Installer, LiveFile, SiteInput, Verdict } from './types.js';

/** One installer per target, in the order they are tested and reloaded. */
export const INSTALLERS: Record<TargetName, Installer> = {
  nginx: nginxInstaller,
  caddy: caddyInstaller,
  cloudflared: cloudflaredInstaller,
  ngrok: ngrokInstaller,
};
