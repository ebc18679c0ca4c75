// A strict parser for the two address forms that make up nearly every list (dotted IPv4 and
// plain hex IPv6), so thousands of entries do not each pay for ipaddr.js' general regex parser.
// Anything outside these forms returns null and the caller falls back to ipaddr.js.

export interface FastCidr {
  v6: boolean;
  /** 4 octets or 8 hextets. */
  parts: number[];
  /** Prefix length, or -1 for a bare address. */
  bits: number;
}

const V4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function v6Parts(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = [...left, ...right];
  if (!groups.every((g) => HEXTET.test(g))) return null;
  if (halves.length === 1 ? groups.length !== 8 : groups.length > 7) return null;
  const values = groups.map((g) => parseInt(g, 16));
  return halves.length === 1 ? values : [...values.slice(0, left.length), ...new Array<number>(8 - groups.length).fill(0), ...values.slice(left.length)];
}

export function parseCidrFast(text: string): FastCidr | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bitsText = slash < 0 ? '' : text.slice(slash + 1);
  if (slash >= 0 && !/^(0|[1-9][0-9]{0,2})$/.test(bitsText)) return null;
  const bits = slash < 0 ? -1 : Number(bitsText);
  if (addr.includes(':')) {
    const parts = v6Parts(addr);
    return parts && bits <= 128 ? { v6: true, parts, bits } : null;
  }
  const match = V4.exec(addr);
  return match && bits <= 32 ? { v6: false, parts: match.slice(1, 5).map(Number), bits } : null;
}

/** Whether any bit beyond `len` is set. */
export function hasHostBits({ v6, parts }: FastCidr, len: number): boolean {
  const width = v6 ? 16 : 8;
  return parts.some((part, i) => {
    const keep = Math.max(0, Math.min(width, len - i * width));
    return (part & ((1 << (width - keep)) - 1)) !== 0;
  });
}

/** RFC 5952 text of 8 hextets: lowercase, no leading zeros, the longest run (2+) of zero groups as "::". */
export function v6GroupsText(parts: number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) (best = i), (bestLength = j - i);
    i = j === i ? i + 1 : j;
  }
  const hex = parts.map((p) => p.toString(16));
  return best < 0 ? hex.join(':') : `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** Canonical text: dotted IPv4, RFC 5952 IPv6. */
export function cidrText({ v6, parts }: FastCidr, len: number): string {
  return `${v6 ? v6GroupsText(parts) : parts.join('.')}/${len}`;
}
