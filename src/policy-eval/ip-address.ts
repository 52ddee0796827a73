/**
 * IpAddress / NotIpAddress: whether an address lies in a CIDR block (or equals an address),
 * IPv4 and IPv6. Answers undefined when either side is not an address, so the operator
 * fails whether negated or not.
 */

function ipv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function ipv6(text: string): bigint | undefined {
  if (!/^[0-9a-f:]+$/i.test(text) || text.split("::").length > 2) return undefined;
  const [head = "", tail] = text.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const all = [...left, ...Array<string>(missing).fill("0"), ...right];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return all.reduce((value, g) => (value << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function parse(text: string): { value: bigint; bits: number } | undefined {
  const v4 = ipv4(text);
  if (v4 !== undefined) return { value: v4, bits: 32 };
  const v6 = ipv6(text);
  return v6 === undefined ? undefined : { value: v6, bits: 128 };
}

export function compareIpAddress(policyValue: string, requestValue: string): boolean | undefined {
  const [address, prefixText] = policyValue.trim().split("/");
  const block = parse(address ?? "");
  const request = parse(requestValue.trim());
  if (block === undefined || request === undefined) return undefined;
  if (block.bits !== request.bits) return false;
  const prefix = prefixText === undefined ? block.bits : /^\d+$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= block.bits)) return undefined;
  const shift = BigInt(block.bits - prefix);
  return block.value >> shift === request.value >> shift;
}
