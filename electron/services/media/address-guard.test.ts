/** The image-host guard: every IPv6 form that carries a private or loopback IPv4 is refused too. */
import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from './address-guard';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['192.168.1.1'],
    ['::1'],
    ['[::1]'],
    ['fe80::1%eth0'],
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::FFFF:10.0.0.1'],
    ['::ffff:0:192.168.0.1'], // IPv4-translated
    ['::10.0.0.1'], // IPv4-compatible
    ['64:ff9b::7f00:1'], // NAT64 of 127.0.0.1
    ['64:ff9b::10.0.0.1'],
    ['64:FF9B:0:0:0:0:c0a8:101'],
    ['0064:ff9b:0000:0000:0000:0000:0a00:0001'],
    ['64:ff9b:1::1'], // local-use NAT64
    ['2002:7f00:0001::'], // 6to4 of 127.0.0.1
    ['2002:c0a8:0101::1'], // 6to4 of 192.168.1.1
    ['2002:0a00:0001:1::1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2'], // Teredo
    ['fe80::5efe:10.0.0.1'], // ISATAP (also link-local)
    ['2001:db8::5efe:192.168.1.1'],
    ['2600:1f18::200:5efe:7f00:1'], // ISATAP id under a public prefix, private IPv4
    ['not-an-ip'],
  ])('refuses %s', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    ['8.8.8.8'],
    ['64:ff9b::8.8.8.8'],
    ['64:ff9b::808:808'],
    ['2002:0808:0808::1'],
    ['::ffff:1.1.1.1'],
    ['2606:4700:4700::1111'],
    ['2600:1f18::200:5efe:808:808'],
  ])('allows the public address %s', (ip) => expect(isPrivateAddress(ip)).toBe(false));
});
