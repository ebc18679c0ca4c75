// A strict parser for the two address forms that make up nearly every list (dotted IPv4 and
// plain hex IPv6), so thousands of entries do not each pay for ipaddr.js' general regex parser.
// Anything outside these forms returns null and the caller falls back to ipaddr.js.

export interface FastCidr {
  v6: boolean;
  /** 4 octets or 8 hextets. */
  parts: number[];
  /** Prefix length, or -1 for a bare address. */
  bits: number;
  /** Whether the address is written canonically (RFC 5952 for IPv6; the IPv4 grammar allows nothing else). */
  canonical: boolean;
}

// Character loops rather than regular expressions and split(): refresh parses thousands of
// entries in a process that lives a fraction of a second, before any of this code is optimised.

/** A decimal number without leading zeros in text[from, to), or -1. */
function decimal(text: string, from: number, to: number): number {
  if (to <= from || to - from > 3 || (text.charCodeAt(from) === 48 && to - from > 1)) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The value of one hex digit's character code, or -1. */
function hexDigit(code: number): number {
  return code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : code >= 65 && code <= 70 ? code - 55 : -1;
}

/** 8 hextets of plain hex IPv6 text in text[0, end) ("::" at most once), or null. */
function v6Parts(text: string, end: number): number[] | null {
  const groups: number[] = [];
  let gap = -1;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 58) {
      const digit = hexDigit(code);
      if (digit < 0 || ++digits > 4) return null;
      value = value * 16 + digit;
      continue;
    }
    if (i + 1 < end && text.charCodeAt(i + 1) === 58) {
      if (gap >= 0) return null;
      if (digits) groups.push(value);
      gap = groups.length;
      i++;
    } else {
      // A single ":" ends a group, which must not be empty (":1::" or "1:::2").
      if (!digits) return null;
      groups.push(value);
    }
    value = 0;
    digits = 0;
  }
  if (digits) groups.push(value);
  else if (end > 0 && text.charCodeAt(end - 1) === 58 && gap !== groups.length) return null;
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null;
  if (gap < 0) return groups;
  const parts = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < gap; i++) parts[i] = groups[i]!;
  for (let i = gap; i < groups.length; i++) parts[8 - groups.length + i] = groups[i]!;
  return parts;
}

/**
 * Strict dotted IPv4 with an optional prefix as one number, address * 64 + prefix length (32
 * for a bare address), or -1 for anything else. No allocation: thousands of entries go through
 * it on a cold start.
 */
export function packedV4(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 47;
    if (code === 46 || code === 47) {
      if (digits === 0 || octet > 255) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      if (code === 47) break;
      if (++dots > 3) return -1;
    } else if (code >= 48 && code <= 57) {
      if ((digits === 1 && octet === 0) || ++digits > 3) return -1;
      octet = octet * 10 + (code - 48);
    } else return -1;
  }
  if (dots !== 3) return -1;
  const bits = i < text.length ? decimal(text, i + 1, text.length) : 32;
  return bits < 0 || bits > 32 ? -1 : value * 64 + bits;
}

/** The four octets of a 32-bit address. */
export function v4Octets(value: number): number[] {
  return [Math.floor(value / 16777216), Math.floor(value / 65536) % 256, Math.floor(value / 256) % 256, value % 256];
}

export function parseCidrFast(text: string): FastCidr | null {
  if (text.indexOf(':') < 0) {
    const packed = packedV4(text);
    if (packed < 0) return null;
    const bits = packed % 64;
    return { v6: false, parts: v4Octets((packed - bits) / 64), bits: text.includes('/') ? bits : -1, canonical: true };
  }
  const slash = text.indexOf('/');
  const end = slash < 0 ? text.length : slash;
  const bits = slash < 0 ? -1 : decimal(text, slash + 1, text.length);
  if (slash >= 0 && bits < 0) return null;
  const parts = v6Parts(text, end);
  return parts && bits <= 128 ? { v6: true, parts, bits, canonical: isCanonicalV6(text, end, parts) } : null;
}

/** The first longest run of two or more zero hextets, as [start, length], or [-1, 0]. */
function longestZeroRun(parts: number[]): [number, number] {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) (best = i), (bestLength = j - i);
    i = j === i ? i + 1 : j;
  }
  return best < 0 ? [-1, 0] : [best, bestLength];
}

/**
 * Whether valid hex IPv6 text in text[0, end) is already RFC 5952 (lowercase, no leading zeros,
 * "::" for exactly the first longest zero run): one scan instead of printing it to compare.
 */
function isCanonicalV6(text: string, end: number, parts: number[]): boolean {
  let colons = 0;
  let gapAt = -1;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 70) return false;
    if (code === 58) {
      if (gapAt < 0 && text.charCodeAt(i + 1) === 58) gapAt = colons;
      colons++;
    } else if (code === 48 && (i === 0 || text.charCodeAt(i - 1) === 58) && i + 1 < end && text.charCodeAt(i + 1) !== 58) return false;
  }
  const [best, length] = longestZeroRun(parts);
  if (gapAt < 0) return best < 0;
  // Groups written before "::": none when the text starts with it.
  const before = text.charCodeAt(0) === 58 ? 0 : gapAt + 1;
  const written = end === 2 ? 0 : colons - 1 - (text.charCodeAt(0) === 58 ? 1 : 0) - (text.charCodeAt(end - 1) === 58 ? 1 : 0) + 1;
  return best === before && length === 8 - written;
}

/** Whether any bit beyond `len` is set. */
export function hasHostBits({ v6, parts }: FastCidr, len: number): boolean {
  const width = v6 ? 16 : 8;
  for (let i = 0; i < parts.length; i++) {
    const keep = Math.max(0, Math.min(width, len - i * width));
    if ((parts[i]! & ((1 << (width - keep)) - 1)) !== 0) return true;
  }
  return false;
}

/** RFC 5952 text of 8 hextets: lowercase, no leading zeros, the longest run (2+) of zero groups as "::". */
export function v6GroupsText(parts: number[]): string {
  const [best, bestLength] = longestZeroRun(parts);
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
