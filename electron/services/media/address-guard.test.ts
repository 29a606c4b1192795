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

  // Forms the decoding above missed: IPv4-compatible addresses of 0.0.0.0/8 (no dotted tail),
  // ISATAP ids with the u/g bits, special ranges inside 2000::/3, and space outside it that is
  // reserved or unassigned (nothing there is the public internet).
  it.each([
    ['::2'], // IPv4-compatible 0.0.0.2
    ['::ffff'], // IPv4-compatible 0.0.255.255
    ['::0.0.255.255'],
    ['::8.8.8.8'], // IPv4-compatible is deprecated (RFC 4291): refused whole
    ['0:0:0:0:0:0:0:2'],
    ['2600:1f18::100:5efe:7f00:1'], // ISATAP id, g bit set
    ['2600:1f18::300:5efe:c0a8:101'], // ISATAP id, u and g bits set
    ['64:ff9b:0:0:0:1:7f00:1'], // inside 64:ff9b::/32 but not the /96 or /48
    ['64:ff9b:2::1'],
    ['1::1'], // reserved by the IETF
    ['::1:0:0:0'],
    ['4000::1'], // unassigned
    ['5f00::1'], // SRv6 SIDs
    ['e000::1'],
    ['2001:2::1'], // benchmarking
    ['2001:10::1'], // ORCHID
    ['2001:20::1'], // ORCHIDv2
    ['2001:1ff::1'], // IETF protocol assignments (2001::/23)
    ['3fff::1'], // documentation (RFC 9637)
    ['[3FFF:0FFF::0001]'],
  ])('refuses %s (beyond the embedded-IPv4 forms)', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    ['2001:4860:4860::8888'],
    ['2001:200::1'], // first RIR allocation after 2001::/23
    ['2a00:1450:4001:80b::200e'],
    ['2C0F:FB50:4003::1'],
    ['2600:1f18::300:5efe:808:808'],
  ])('still allows the global unicast address %s', (ip) => expect(isPrivateAddress(ip)).toBe(false));
});
