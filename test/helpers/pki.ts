/** Key and certificate generation for the test registries, with the openssl command line. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(
      `openssl ${args[0]} failed (install it with: apt-get install -y openssl): ${String(err)}`,
    );
  }
}

/** A throwaway CA and a server certificate for 127.0.0.1/localhost signed by it. */
export function makeServerCerts(): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-pki-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=manifold test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ],
    dir,
  );
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server.key'),
  };
}

export interface SigningKey {
  /** PEM bundle the registry trusts (`auth.token.rootcertbundle`). */
  bundleFile: string;
  privateKeyPem: string;
  /** The certificate in base64 DER, for the JWT `x5c` header. */
  certDerBase64: string;
}

/** A self-signed key pair whose certificate the registry will trust to verify tokens. */
export function makeTokenSigningKey(): SigningKey {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-token-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'signer.key',
      '-out',
      'signer.pem',
      '-days',
      '2',
      '-subj',
      '/CN=manifold test token signer',
    ],
    dir,
  );
  const pem = readFileSync(join(dir, 'signer.pem'), 'utf8');
  const der = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return {
    bundleFile: join(dir, 'signer.pem'),
    privateKeyPem: readFileSync(join(dir, 'signer.key'), 'utf8'),
    certDerBase64: der,
  };
}
