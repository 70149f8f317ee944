import { describe, expect, it } from 'vitest';
import { parseWebhookAllowList } from '@duban/config';
import { WebhookAddressPolicy } from './webhook-address-policy.js';

const strict = new WebhookAddressPolicy(parseWebhookAllowList(''));

describe('WebhookAddressPolicy', () => {
  it('refuses loopback, private, link-local, metadata, CGNAT, multicast, unspecified, reserved and IPv4-mapped internal addresses', () => {
    const internal = [
      '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '198.18.0.1', '240.0.0.1',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254', 'ff02::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '2001:db8::1', 'fec0::1',
    ];
    for (const address of internal) expect(strict.addressProblem(address), address).toMatch(/本机、内网或保留地址/);
  });

  it('lets public unicast addresses through, an IPv4-mapped one as the address it maps', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect(strict.addressProblem(address), address).toBeNull();
  });

  it('lets through what the operator allows: networks by address, host names whatever they resolve to', () => {
    const policy = new WebhookAddressPolicy(parseWebhookAllowList('10.20.0.0/16,127.0.0.1,hooks.intranet.example'));
    expect(policy.addressProblem('10.20.3.4')).toBeNull();
    expect(policy.addressProblem('127.0.0.1')).toBeNull();
    expect(policy.addressProblem('::ffff:127.0.0.1')).toBeNull();
    expect(policy.addressProblem('10.21.0.1')).not.toBeNull();
    expect(policy.addressProblem('127.0.0.2')).not.toBeNull();
    expect(policy.allowsHostName('HOOKS.intranet.example')).toBe(true);
    expect(policy.allowsHostName('other.intranet.example')).toBe(false);
  });

  it('takes http and https URLs without credentials; finds the address written in the URL in any spelling', () => {
    expect(strict.parseUrl('ftp://example.com/')).toEqual({ problem: 'url 须为 http:// 或 https:// 开头的地址' });
    expect(strict.parseUrl('http://user:pass@example.com/')).toEqual({ problem: 'url 不能包含用户名或密码' });
    expect(strict.parseUrl('http://user@example.com/')).toEqual({ problem: 'url 不能包含用户名或密码' });
    const literal = (raw: string) => {
      const parsed = strict.parseUrl(raw);
      return 'url' in parsed ? strict.literalAddress(parsed.url) : parsed.problem;
    };
    for (const raw of ['http://0x7f000001/', 'http://2130706433/', 'http://127.1/', 'http://017700000001/', 'http://0177.0.0.1/']) expect(literal(raw), raw).toBe('127.0.0.1');
    expect(literal('http://[::ffff:127.0.0.1]:8080/')).toBe('::ffff:7f00:1');
    expect(literal('https://oapi.dingtalk.com/robot/send')).toBeUndefined();
  });
});
