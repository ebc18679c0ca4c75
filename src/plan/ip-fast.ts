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
/** 1-4 hex digits to their value, -1 for anything else (a loop: no regex or allocation per group). */
function hextet(group: string): number {
  if (group.length < 1 || group.length > 4) return -1;
  let value = 0;
  for (let i = 0; i < group.length; i++) {
    const c = group.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function v6Parts(text: string): number[] | null {
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return null;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (gap < 0 ? left.length !== 8 : left.length + right.length > 7) return null;
  const parts = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < left.length; i++) if ((parts[i] = hextet(left[i]!)) < 0) return null;
  for (let i = 0; i < right.length; i++) if ((parts[8 - right.length + i] = hextet(right[i]!)) < 0) return null;
  return parts;
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
  let text = '';
  let separate = false;
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      text += '::';
      i += bestLength - 1;
      separate = false;
      continue;
    }
    if (separate) text += ':';
    text += parts[i]!.toString(16);
    separate = true;
  }
  return text;
}

/** Canonical text: dotted IPv4, RFC 5952 IPv6. */
export function cidrText({ v6, parts }: FastCidr, len: number): string {
  return `${v6 ? v6GroupsText(parts) : parts.join('.')}/${len}`;
}
