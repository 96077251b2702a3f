/**
 * HTTPS for `serve --tls` (issue 16): a self-signed certificate made at start with node:crypto alone (no
 * openssl binary, no package: an ECDSA P-256 key and an X.509 v3 certificate written in DER by hand), or the
 * PEM files given with `--tls-cert`/`--tls-key`. docs/guides/webex-connect.md tells when to use which.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** A certificate and its private key, PEM, with the certificate's SHA-256 fingerprint for pinning. */
export type TlsCredentials = {
  cert: string;
  key: string;
  /** `AB:CD:…`, as `openssl x509 -fingerprint -sha256` and node's `X509Certificate.fingerprint256` print it. */
  fingerprint256: string;
  /** Where the certificate came from, for the start banner. */
  source: 'self-signed' | 'files';
  /** The names the certificate is valid for (subject alternative names). */
  names: string[];
};

/** What `--tls`, `--tls-cert` and `--tls-key` asked for. */
export type TlsFlags = { tls?: boolean; tlsCert?: string; tlsKey?: string };

/** Options of a self-signed certificate. */
export type SelfSignedOptions = {
  /** DNS names and IP addresses it is valid for; default localhost, 127.0.0.1 and ::1. */
  hosts?: readonly string[];
  /** Validity in days from `now`; default 365 (it starts a day earlier, for clocks that are behind). */
  days?: number;
  /** The current time, epoch ms; default the wall clock (a certificate is checked against real time). */
  now?: number;
};

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
const DAY_MS = 86_400_000;

/**
 * The credentials `serve` should use, or undefined for plain HTTP: files when `--tls-cert` and `--tls-key` are
 * given (both, or neither), else a certificate generated now for localhost, the loopback addresses and `host`.
 */
export function resolveTls(flags: TlsFlags, host: string): TlsCredentials | undefined {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new Error('--tls-cert and --tls-key go together. Please give both files, or --tls alone.');
  }
  if (flags.tlsCert !== undefined && flags.tlsKey !== undefined)
    return loadTlsFiles(flags.tlsCert, flags.tlsKey);
  if (!flags.tls) return undefined;
  const hosts = [...DEFAULT_HOSTS];
  const bound = host.replace(/^\[|\]$/g, '');
  if (bound !== '0.0.0.0' && bound !== '::' && !hosts.includes(bound)) hosts.push(bound);
  return createSelfSignedCertificate({ hosts });
}

/** Reads a PEM certificate and key, and checks that they belong together. */
export function loadTlsFiles(certPath: string, keyPath: string): TlsCredentials {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(error as Error).message}.`);
    }
  };
  const cert = read(certPath, 'certificate');
  const key = read(keyPath, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`${certPath} is not a PEM certificate (${(error as Error).message}).`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new Error(`${keyPath} is not a PEM private key (${(error as Error).message}).`);
  }
  if (!matches) throw new Error(`the key ${keyPath} does not belong to the certificate ${certPath}.`);
  return { cert, key, fingerprint256: x509.fingerprint256, source: 'files', names: toNames(x509) };
}

/** Makes a self-signed certificate (ECDSA P-256, SHA-256) valid for `hosts`, and its key. */
export function createSelfSignedCertificate(options: SelfSignedOptions = {}): TlsCredentials {
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  const now = options.now ?? Date.now();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = toName(`convosim ${hosts[0] ?? 'localhost'}`);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and without a leading zero byte
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_WITH_SHA256,
    name,
    seq(toTime(now - DAY_MS), toTime(now + (options.days ?? 365) * DAY_MS)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      seq(
        extension('2.5.29.19', true, seq(boolean(true))), // basicConstraints: its own trust anchor
        extension('2.5.29.15', true, bitString(Buffer.from([0x84]), 2)), // keyUsage: digitalSignature, keyCertSign
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
        extension('2.5.29.17', false, seq(...hosts.map(toGeneralName))), // subjectAltName
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const cert = toPem('CERTIFICATE', der);
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    cert,
    key,
    fingerprint256: new X509Certificate(cert).fingerprint256,
    source: 'self-signed',
    names: [...hosts],
  };
}

/** The start banner's line about TLS. */
export function toTlsBannerLine(tls: TlsCredentials): string {
  const what =
    tls.source === 'self-signed'
      ? 'self-signed certificate generated at start'
      : 'certificate from --tls-cert';
  return `  tls       ${what} for ${tls.names.join(', ')} · SHA-256 ${tls.fingerprint256}`;
}

function toNames(x509: X509Certificate): string[] {
  const names = (x509.subjectAltName ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  return names.length > 0 ? names : [x509.subject];
}

// DER, as much of it as a certificate needs (X.690).

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function explicit(n: number, content: Buffer): Buffer {
  return tlv(0xa0 | n, content);
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes);
}

function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

function octetString(bytes: Buffer): Buffer {
  return tlv(0x04, bytes);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift((value % 128) | (groups.length > 0 ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function toName(commonName: string): Buffer {
  return seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function toTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = Number(iso.slice(0, 4));
  return year < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** A subjectAltName entry: iPAddress [7] for an IP, dNSName [2] otherwise. */
function toGeneralName(host: string): Buffer {
  const version = isIP(host);
  if (version === 4) return tlv(0x87, Buffer.from(host.split('.').map(Number)));
  if (version === 6) return tlv(0x87, toIpv6Bytes(host));
  return tlv(0x82, Buffer.from(host, 'ascii'));
}

function toIpv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  // An IPv4 tail (::ffff:1.2.3.4) is two groups.
  const expand = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [Number.parseInt(g, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  const l = expand(left);
  const r = expand(right);
  const groups = [...l, ...Array(8 - l.length - r.length).fill(0), ...r];
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) bytes.writeUInt16BE(groups[i] ?? 0, i * 2);
  return bytes;
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
