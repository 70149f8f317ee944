import ipaddr from 'ipaddr.js';
import type { WebhookAllowList } from '@duban/config';

/**
 * Ranges refused besides what ipaddr.js classifies as other than 'unicast' (loopback, private, link-local with the
 * 169.254.169.254 metadata address, unique-local with fd00:ec2::254, CGNAT, multicast, unspecified, broadcast,
 * reserved, IPv4-mapped, NAT64, 6to4, Teredo): benchmarking, the IPv6 discard prefix, deprecated site-local, ORCHID.
 */
const ALSO_REFUSED = ['198.18.0.0/15', '100::/64', 'fec0::/10', '2001:10::/28'].map((cidr) => ipaddr.parseCIDR(cidr));

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Where webhooks may go: public unicast addresses, and what the operator's allow-list names. */
export class WebhookAddressPolicy {
  private readonly hostNames: ReadonlySet<string>;
  private readonly networks: readonly Network[];

  constructor(allowList: WebhookAllowList) {
    this.hostNames = new Set(allowList.hostNames);
    this.networks = allowList.networks.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** The URL a webhook may be configured with, or why not (message in Chinese, naming the field `url`). */
  parseUrl(raw: string): { url: URL } | { problem: string } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { problem: 'url 不是合法的地址' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'url 须为 http:// 或 https:// 开头的地址' };
    if (url.username !== '' || url.password !== '') return { problem: 'url 不能包含用户名或密码' };
    if (url.hostname === '') return { problem: 'url 缺少主机名' };
    return { url };
  }

  /** True when the host name itself is allowed by the operator, whatever it resolves to. */
  allowsHostName(hostname: string): boolean {
    return this.hostNames.has(hostname.toLowerCase());
  }

  /** The IP address written in the URL (WHATWG URL already turned `0x7f000001` or `127.1` into `127.0.0.1`), if any. */
  literalAddress(url: URL): string | undefined {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host)) ? host : undefined;
  }

  /** Why a webhook may not connect to `address`, or null when it may. */
  addressProblem(address: string): string | null {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address counts as the IPv4 address it maps
    } catch {
      return `url 解析出的地址 ${address} 无法识别`;
    }
    if (this.networks.some((network) => within(parsed, network))) return null;
    if (parsed.range() !== 'unicast' || ALSO_REFUSED.some((network) => within(parsed, network))) {
      return `url 指向本机、内网或保留地址（${parsed.toString()}），不能用于消息推送；如确需使用，请运维人员在 DUBAN_WEBHOOK_ALLOWED_HOSTS 中放行`;
    }
    return null;
  }
}

function within(address: ipaddr.IPv4 | ipaddr.IPv6, [base, bits]: Network): boolean {
  if (address instanceof ipaddr.IPv4) return base instanceof ipaddr.IPv4 && address.match(base, bits);
  return base instanceof ipaddr.IPv6 && address.match(base, bits);
}
