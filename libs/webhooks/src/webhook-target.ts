import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookAllowList } from '@duban/config';
import { WebhookAddressPolicy } from './webhook-address-policy.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address (A and AAAA) a host name resolves to; rejects when it does not resolve. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemHostResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/** Where to send: the URL and the one checked address to connect to. */
export interface WebhookTarget {
  readonly url: URL;
  readonly address: ResolvedAddress;
}

export type WebhookTargetCheck =
  | { readonly ok: true; readonly target: WebhookTarget }
  /** `unresolved`: the name did not resolve (now); nothing was found wrong with it. */
  | { readonly ok: false; readonly problem: string; readonly unresolved: boolean };

/**
 * Checks a webhook URL against the address policy (SSRF): its shape, and every address its host resolves to.
 * Used when a channel is configured and again at every delivery, which then connects to the address checked
 * here, so a name cannot resolve to something else between the check and the connection (DNS rebinding).
 */
export class WebhookTargets {
  private readonly policy: WebhookAddressPolicy;

  constructor(
    allowList: WebhookAllowList,
    private readonly resolve: HostResolver = systemHostResolver,
  ) {
    this.policy = new WebhookAddressPolicy(allowList);
  }

  async check(raw: string): Promise<WebhookTargetCheck> {
    const parsed = this.policy.parseUrl(raw);
    if ('problem' in parsed) return { ok: false, problem: parsed.problem, unresolved: false };
    const { url } = parsed;
    const literal = this.policy.literalAddress(url);
    if (literal !== undefined) {
      const problem = this.policy.addressProblem(literal);
      return problem === null ? { ok: true, target: { url, address: { address: literal, family: isIP(literal) === 6 ? 6 : 4 } } } : refused(problem);
    }

    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(url.hostname);
    } catch (error) {
      return { ok: false, problem: `url 的主机名 ${url.hostname} 无法解析：${(error as { code?: unknown }).code ?? String(error)}`, unresolved: true };
    }
    if (addresses.length === 0) return { ok: false, problem: `url 的主机名 ${url.hostname} 没有解析出地址`, unresolved: true };
    if (!this.policy.allowsHostName(url.hostname)) {
      for (const { address } of addresses) {
        const problem = this.policy.addressProblem(address);
        if (problem !== null) return refused(problem);
      }
    }
    return { ok: true, target: { url, address: addresses[0]! } };
  }
}

const refused = (problem: string): WebhookTargetCheck => ({ ok: false, problem, unresolved: false });
