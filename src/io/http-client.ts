import { Agent, type Dispatcher } from 'undici';
import { originOf, type Target } from '../probe/target.js';
import { openSocket } from './dial.js';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
}

export interface HttpRequest {
  path: string;
  method?: string;
  secure?: boolean;
  headers?: Record<string, string>;
  body?: string;
}

const agents = new WeakMap<Target, Agent>();

/** One undici agent per target whose sockets dial --connect-to while Host and SNI stay the domain. */
function agentFor(target: Target): Agent {
  let agent = agents.get(target);
  if (!agent) {
    agent = new Agent({
      keepAliveTimeout: 2_000,
      connections: 16,
      connectTimeout: target.timeoutMs,
      connect: (options, callback) => {
        const secure = options.protocol === 'https:';
        const socket = openSocket(target, Number(options.port) || (secure ? 443 : 80), secure);
        const onError = (error: Error) => callback(error, null);
        socket.once('error', onError);
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          socket.removeListener('error', onError);
          callback(null, socket as never);
        });
      },
    });
    agents.set(target, agent);
  }
  return agent;
}

/** Ends every connection of the target's agent, finished or not: a probe past its deadline may still be reading. */
export async function closeAgents(target: Target): Promise<void> {
  await agents.get(target)?.destroy();
  agents.delete(target);
}

const BODY_CAP = 64 * 1024;

/** A single request with the path sent exactly as given (no URL normalisation), redirects not followed. */
export async function httpRequest(target: Target, request: HttpRequest): Promise<HttpResult> {
  const started = performance.now();
  const response = await agentFor(target).request({
    origin: originOf(target, request.secure ?? target.https),
    path: request.path,
    method: (request.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: request.headers,
    body: request.body,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
  });
  let body = '';
  for await (const chunk of response.body) {
    body += (chunk as Buffer).toString('utf8');
    // A body that never ends (or is merely huge) is cut here instead of read to the end.
    if (body.length >= BODY_CAP) {
      response.body.destroy();
      break;
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value ?? '');
  return { status: response.statusCode, headers, body: body.slice(0, BODY_CAP), ms: performance.now() - started };
}
