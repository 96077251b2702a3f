// serve --tls (issue 16 item 5): HTTPS for clients that refuse plain HTTP, with a certificate generated at start or
// given as files. Checked with node's own HTTPS client: the fingerprint the banner prints, or full verification.
import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, test } from 'vitest';
import { eceProvider } from '../../src/providers/ece/index.ts';
import { createSelfSignedCertificate, loadTlsFiles, resolveTls } from '../../src/tls.ts';
import { createTestSimulator } from '../support/simulator.ts';

const BIN = path.resolve('bin/convosim.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `convosim serve` and resolves to its banner once printed (the banner ends with the admin and store lines). */
function serve(
  args: string[],
): Promise<{ child: ChildProcess; banner: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', 'memory', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CONVOSIM_FROM_SOURCE: '1' },
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('  store ') || line.startsWith('  tls ')) {
        // The tls line, when there is one, follows the store line.
        if (line.startsWith('  tls ') || !args.some((a) => a.startsWith('--tls')))
          resolve({ child, banner: lines.join('\n'), exited });
      }
    });
    child.once('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
}

/** GETs a URL over HTTPS; answers the status, the body and the certificate the server presented. */
function get(
  url: string,
  options: https.RequestOptions,
): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ...options, agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? '';
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
    });
    req.on('error', reject);
  });
}

describe('serve --tls', () => {
  test('serve --tls answers HTTPS with a self-signed certificate whose fingerprint the banner prints', async () => {
    const { child, banner, exited } = await serve(['--tls']);
    const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const printed = /SHA-256 ([0-9A-F:]{95})/.exec(banner)?.[1];
    expect(url, banner).toBeDefined();
    expect(printed, banner).toBeDefined();
    expect(banner).toMatch(/tls {7}self-signed certificate generated at start for localhost, 127\.0\.0\.1/);
    // An unverified client pins the certificate by its fingerprint instead.
    const res = await get(`${url}/__admin/health`, { rejectUnauthorized: false });
    expect(res.status).toBe(200);
    expect(res.fingerprint).toBe(printed);
    expect(JSON.parse(res.body)).toMatchObject({ providers: expect.any(Array) });
    // A verifying client that was not given the certificate refuses it.
    await expect(get(`${url}/__admin/health`, {})).rejects.toThrow(/self[- ]signed/i);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('serve --tls-cert and --tls-key serve those files, and a client trusting the certificate verifies it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-tls-'));
    const made = createSelfSignedCertificate({ hosts: ['localhost', '127.0.0.1'] });
    writeFileSync(path.join(dir, 'cert.pem'), made.cert);
    writeFileSync(path.join(dir, 'key.pem'), made.key);
    const { child, banner, exited } = await serve([
      '--tls-cert',
      path.join(dir, 'cert.pem'),
      '--tls-key',
      path.join(dir, 'key.pem'),
    ]);
    expect(banner).toMatch(/certificate from --tls-cert for localhost, 127\.0\.0\.1/);
    const port = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1];
    // Full verification, by host name and by address (both are in the certificate's subject alternative names).
    for (const host of ['localhost', '127.0.0.1']) {
      const res = await get(`https://${host}:${port}/__admin/health`, { ca: made.cert });
      expect(res.status).toBe(200);
      expect(res.fingerprint).toBe(made.fingerprint256);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('serve with --tls-cert but no --tls-key exits with the reason', async () => {
    await expect(serve(['--tls-cert', 'cert.pem'])).rejects.toThrow(/--tls-cert and --tls-key go together/);
  });
});

describe('TLS credentials (src/tls.ts)', () => {
  test('a generated certificate is self-signed, valid for a year from a day ago, for the loopback names', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const made = createSelfSignedCertificate({ now });
    const x509 = new X509Certificate(made.cert);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(made.key))).toBe(true);
    expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(Date.parse(x509.validFrom)).toBe(now - 86_400_000);
    expect(Date.parse(x509.validTo)).toBe(now + 365 * 86_400_000);
    expect(made.fingerprint256).toBe(x509.fingerprint256);
  });

  test('--tls adds the bound host to the certificate, except a wildcard address', () => {
    expect(resolveTls({ tls: true }, 'sim.example.test')?.names).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
      'sim.example.test',
    ]);
    expect(resolveTls({ tls: true }, '0.0.0.0')?.names).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(resolveTls({}, '127.0.0.1')).toBeUndefined();
  });

  test('a key that does not belong to the certificate is refused with both paths named', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convosim-tls-'));
    writeFileSync(path.join(dir, 'cert.pem'), createSelfSignedCertificate().cert);
    writeFileSync(path.join(dir, 'key.pem'), createSelfSignedCertificate().key);
    expect(() => loadTlsFiles(path.join(dir, 'cert.pem'), path.join(dir, 'key.pem'))).toThrow(
      /the key .*key\.pem does not belong to the certificate .*cert\.pem/,
    );
    expect(() => loadTlsFiles(path.join(dir, 'missing.pem'), path.join(dir, 'key.pem'))).toThrow(
      /cannot read the TLS certificate/,
    );
  });

  test('the library listens over HTTPS when given a certificate', async () => {
    const sim = await createTestSimulator({ providers: [eceProvider], defaultFixtures: true, fixtures: {} });
    const made = createSelfSignedCertificate();
    const { url } = await sim.listen(0, '127.0.0.1', { tls: made });
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${url}/system/ws/v19/clientapplications/messaging/configuration?entrypoint=1001`, {
      ca: made.cert,
      servername: 'localhost',
    });
    expect(res.status).toBe(401);
  });
});
