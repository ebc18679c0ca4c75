import { validateCloudflared } from '../../validate/cloudflared.js';
import type { HostLayout } from '../layout.js';
import { builtIn, CATCH_ALL, entriesAfter, own, sameEverywhere } from './tunnel-file.js';
import { composedHeader, type Installer } from './types.js';

/** One cloudflared process per host serves one tunnel: every site's rules, one catch-all last. */
export const cloudflaredInstaller: Installer = {
  prepare: (site) => ({ files: [], fragment: own(site, 'cloudflared/config.yml') }),
  compose(fragments, host) {
    if (fragments.length === 0) return [{ path: host.cloudflared.config, content: null, mode: 0o644 }];
    const tunnel = sameEverywhere(fragments, 'tunnel', 'cloudflared');
    const credentials = sameEverywhere(fragments, 'credentials-file', 'cloudflared');
    const rules = fragments.map((f) => entriesAfter(f.fragment, 'ingress', CATCH_ALL)).join('');
    const content = `${composedHeader('cloudflared ingress', fragments.map((f) => f.domain))}tunnel: ${tunnel}\ncredentials-file: ${credentials}\ningress:\n${rules}${CATCH_ALL}`;
    return [{ path: host.cloudflared.config, content, mode: 0o644 }];
  },
  test: (host: HostLayout) => builtIn(host.at(host.cloudflared.config), validateCloudflared),
  reload: (host) => host.cloudflared.reload,
};
