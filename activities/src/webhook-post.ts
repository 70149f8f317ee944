import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookTarget } from '@duban/webhooks';

export interface WebhookAnswer {
  readonly status: number;
  readonly text: string;
}

/** Enough of an answer to say why it was refused; the rest is read and dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs `body` to the target over a fresh connection to the address that was checked: the host name stays in the
 * request (Host header, TLS server name and certificate check) but is not resolved again. Redirects are not
 * followed (a 3xx is an answer like any other), so a checked URL cannot lead somewhere unchecked.
 */
export function postToTarget(target: WebhookTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookAnswer> {
  const { address, family } = target.address;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => readAnswer(response).then(resolve, reject),
    );
    request.on('error', reject);
    request.end(body);
  });
}

function readAnswer(response: IncomingMessage): Promise<WebhookAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    response.on('data', (chunk: Buffer) => {
      if (kept >= MAX_ANSWER_BYTES) return;
      chunks.push(chunk);
      kept += chunk.length;
    });
    response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) }));
    response.on('error', reject);
  });
}
