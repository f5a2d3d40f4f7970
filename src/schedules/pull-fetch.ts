import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { pullAllowsPrivateNetworks } from "@/env";

/**
 * Fetching an admin-entered URL from the worker, without letting it reach what only the server
 * can reach: the cloud metadata service, loopback services, the private network. The address is
 * checked when the connection is made (the address actually connected to, so a DNS answer that
 * changes between save and fetch cannot slip past), and again on every redirect.
 * PULL_ALLOW_PRIVATE_NETWORKS=1 lifts the check for on-prem feeds.
 */

const RANGES: { why: string; subnets: [string, number, "ipv4" | "ipv6"][] }[] = [
  {
    why: "a loopback address",
    subnets: [
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ],
  },
  {
    why: "a link-local address (where cloud metadata services live)",
    subnets: [
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ],
  },
  {
    why: "a private-network address",
    subnets: [
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["100.64.0.0", 10, "ipv4"],
      ["fc00::", 7, "ipv6"],
    ],
  },
  {
    why: "an unspecified or reserved address",
    subnets: [
      ["0.0.0.0", 8, "ipv4"],
      ["224.0.0.0", 3, "ipv4"],
      ["::", 128, "ipv6"],
      ["ff00::", 8, "ipv6"],
    ],
  },
];

const BLOCKS = RANGES.map(({ why, subnets }) => {
  const list = new BlockList();
  for (const [net, prefix, type] of subnets) list.addSubnet(net, prefix, type);
  return { why, list };
});

/** Why a pull may not connect to this IP address, or null when it may (IPv4-mapped IPv6 counts as its IPv4). */
export function blockedAddressReason(ip: string): string | null {
  const family = isIP(ip);
  if (!family) return null;
  const type = family === 4 ? "ipv4" : "ipv6";
  return BLOCKS.find((b) => b.list.check(ip, type))?.why ?? null;
}

/** A pull the network rules refuse; the message names the URL and why. */
export class PullRefusedError extends Error {
  override name = "PullRefusedError";
}

const ALLOW_HINT = "set PULL_ALLOW_PRIVATE_NETWORKS=1 to allow private networks";

function refusal(url: string, host: string, ip: string, why: string) {
  const where = host === ip ? `${ip} is` : `${host} resolves to ${ip},`;
  return new PullRefusedError(`Refused to pull ${url}: ${where} ${why} (${ALLOW_HINT})`);
}

/** Host of a URL without IPv6 brackets. */
const hostOf = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Why a URL is refused before any lookup, when its host is an IP literal or `localhost`; null
 * otherwise. For messages at save time; the connection-time check is the one that holds.
 */
export function refusedHostReason(url: string): string | null {
  if (pullAllowsPrivateNetworks() || !URL.canParse(url)) return null;
  const host = hostOf(new URL(url));
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is a loopback address`;
  const why = blockedAddressReason(host);
  return why && `${host} is ${why}`;
}

/** dns.lookup that fails when any address the name resolves to is refused. */
function guardedLookup(url: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      for (const a of addresses) {
        const why = blockedAddressReason(a.address);
        if (why) return callback(refusal(url, hostname, a.address, why), "", 0);
      }
      if (options.all) return callback(null, addresses as never);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export interface PullResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

const MAX_REDIRECTS = 5;

/**
 * GETs a pull source's URL: http(s) only, following at most five redirects (each checked like
 * the first), the whole exchange (body included) within `timeoutMs`: past it the request or the
 * body fails with a TimeoutError.
 */
export async function openPullUrl(
  url: string,
  opts: { timeoutMs: number; accept: string },
): Promise<PullResponse> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(current, url, opts.accept, signal);
    const location = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume();
      if (hop === MAX_REDIRECTS) throw new Error(`${url} redirected more than ${MAX_REDIRECTS} times`);
      current = new URL(location, current).toString();
      continue;
    }
    const onAbort = () => res.destroy(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    res.once("close", () => signal.removeEventListener("abort", onAbort));
    return {
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? "",
      headers: res.headers,
      body: res,
    };
  }
}

function requestOnce(target: string, original: string, accept: string, signal: AbortSignal) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const u = new URL(target);
    const via = target === original ? original : `${original} (redirected to ${target})`;
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      reject(new PullRefusedError(`Refused to pull ${via}: only http:// and https:// URLs can be pulled`));
      return;
    }
    const allowPrivate = pullAllowsPrivateNetworks();
    const host = hostOf(u);
    // An IP literal is connected to without a lookup: check it here.
    const why = allowPrivate ? null : blockedAddressReason(host);
    if (why) {
      reject(refusal(via, host, host, why));
      return;
    }
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const req = (u.protocol === "https:" ? https : http).request(u, {
      method: "GET",
      headers: { accept, "user-agent": "Sluice pull" },
      // A fresh connection each time, so the address check runs for every request.
      agent: false,
      ...(allowPrivate ? {} : { lookup: guardedLookup(via) }),
    });
    const onAbort = () => req.destroy(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    req.once("close", () => signal.removeEventListener("abort", onAbort));
    // Kept for the whole exchange: an abort after the response still errors the request.
    req.on("error", reject);
    req.once("response", resolve);
    req.end();
  });
}
