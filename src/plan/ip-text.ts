// Addresses as text and back, strictly, for src/plan/cidr.ts: the forms RFC 4291 allows (no
// zone ids), IPv4 as dotted decimal without leading zeros (`010.0.0.0` is octal to some readers),
// and RFC 5952's canonical IPv6 text. An address is its 32-bit words: one for IPv4, four for IPv6.

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const V4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function v4Value(text: string): number | null {
  const octets = V4.exec(text);
  return octets ? ((+octets[1]! * 256 + +octets[2]!) * 256 + +octets[3]!) * 256 + +octets[4]! : null;
}

/** The eight 16-bit groups of an IPv6 address (`::` and a trailing dotted IPv4 allowed), or null. */
function v6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const [head, tail] = halves.map((half) => (half === '' ? [] : half.split(':')));
  const last = tail ?? head!;
  const dotted = last.length > 0 && last[last.length - 1]!.includes('.') ? v4Value(last.pop()!) : undefined;
  if (dotted === null) return null;
  const words = [...head!, ...(tail ?? [])];
  if (!words.every((word) => HEXTET.test(word))) return null;
  const given = words.length + (dotted === undefined ? 0 : 2);
  if (tail === undefined ? given !== 8 : given > 7) return null;
  const groups = [...head!.map((word) => parseInt(word, 16)), ...new Array<number>(8 - given).fill(0), ...(tail ?? []).map((word) => parseInt(word, 16))];
  if (dotted !== undefined) groups.push(Math.floor(dotted / 65536), dotted % 65536);
  return groups;
}

/** An address's words, or null when it is not written strictly. */
export function parseAddress(text: string): { v6: boolean; words: number[] } | null {
  const v4 = v4Value(text);
  if (v4 !== null) return { v6: false, words: [v4] };
  const groups = text.includes(':') ? v6Groups(text) : null;
  return groups && { v6: true, words: [0, 2, 4, 6].map((i) => groups[i]! * 65536 + groups[i + 1]!) };
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as `::`. */
function v6Text(words: number[]): string {
  const groups = words.flatMap((word) => [(word >>> 16).toString(16), (word & 0xffff).toString(16)]);
  let best = { at: -1, length: 1 };
  for (let at = 0; at < 8; ) {
    let length = 0;
    while (groups[at + length] === '0') length++;
    if (length > best.length) best = { at, length };
    at += length || 1;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

export function addressText(v6: boolean, words: number[]): string {
  if (v6) return v6Text(words);
  const n = words[0]!;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
