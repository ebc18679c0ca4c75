import ipaddr from 'ipaddr.js';

const WIDTH = { ipv4: 32n, ipv6: 128n } as const;
type Family = keyof typeof WIDTH;

interface Range {
  start: bigint;
  end: bigint;
}

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function toAddress(value: bigint, family: Family): string {
  const count = family === 'ipv4' ? 4 : 16;
  const bytes = new Array<number>(count);
  for (let i = count - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 0xffn);
  return ipaddr.fromByteArray(bytes).toString();
}

/** `10.0.0.0/8` or a bare address, to its canonical text (`/32` or `/128` added). */
export function canonicalCidr(text: string): string {
  const [addr, bits] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
  const len = bits < 0 ? (addr.kind() === 'ipv4' ? 32 : 128) : bits;
  return `${addr.toString()}/${len}`;
}

function toRange(text: string): { family: Family; range: Range } {
  const [addr, bits] = ipaddr.parseCIDR(canonicalCidr(text));
  const family = addr.kind();
  const hostBits = WIDTH[family] - BigInt(bits);
  const start = (toBigInt(addr.toByteArray()) >> hostBits) << hostBits;
  return { family, range: { start, end: start + (1n << hostBits) - 1n } };
}

function joinRanges(ranges: Range[]): Range[] {
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const joined: Range[] = [];
  for (const range of ranges) {
    const last = joined[joined.length - 1];
    if (last && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else joined.push({ ...range });
  }
  return joined;
}

/** The fewest aligned blocks that cover [start, end] exactly. */
function splitRange({ start, end }: Range, family: Family): string[] {
  const out: string[] = [];
  const width = WIDTH[family];
  while (start <= end) {
    let hostBits = 0n;
    while (hostBits < width && ((start >> hostBits) & 1n) === 0n && start + (1n << (hostBits + 1n)) - 1n <= end) hostBits++;
    out.push(`${toAddress(start, family)}/${width - hostBits}`);
    start += 1n << hostBits;
  }
  return out;
}

/** Like Python's ipaddress.collapse_addresses per family: IPv4 first, then IPv6, ascending. */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  const byFamily: Record<Family, Range[]> = { ipv4: [], ipv6: [] };
  for (const text of cidrs) {
    const { family, range } = toRange(text);
    byFamily[family].push(range);
  }
  return (['ipv4', 'ipv6'] as const).flatMap((family) => joinRanges(byFamily[family]).flatMap((range) => splitRange(range, family)));
}
