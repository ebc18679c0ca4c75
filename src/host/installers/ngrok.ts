import { validateNgrok } from '../../validate/ngrok.js';
import { builtIn, entriesAfter, own, sameEverywhere } from './tunnel-file.js';
import { composedHeader, type Installer } from './types.js';

/** One ngrok agent per host: every site's endpoints (v3) or tunnels (v2) in one file. */
export const ngrokInstaller: Installer = {
  prepare: (site) => ({ files: [], fragment: own(site, 'ngrok/ngrok.yml') }),
  compose(fragments, host) {
    if (fragments.length === 0) return [{ path: host.ngrok.config, content: null, mode: 0o600 }];
    const version = sameEverywhere(fragments, 'version', 'ngrok');
    const key = version === '2' ? 'tunnels' : 'endpoints';
    const entries = fragments.map((f) => entriesAfter(f.fragment, key)).join('');
    const note = '# The authtoken is never written here: the agent reads NGROK_AUTHTOKEN from its environment.\n';
    return [{ path: host.ngrok.config, content: `${composedHeader('ngrok agent config', fragments.map((f) => f.domain))}${note}version: ${version}\n${key}:\n${entries}`, mode: 0o600 }];
  },
  test: (host) => builtIn(host.at(host.ngrok.config), validateNgrok),
  reload: (host) => host.ngrok.reload,
};
