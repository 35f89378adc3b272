/** Runs skopeo, the independent client that checks what the registry holds. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SKOPEO_BIN = '/usr/bin/skopeo';

export interface SkopeoResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `skopeo ARGS`; throws with the install command when skopeo is missing. */
export function skopeo(args: string[], timeoutMs = 60_000): Promise<SkopeoResult> {
  if (!existsSync(SKOPEO_BIN)) {
    throw new Error(
      `skopeo is missing at ${SKOPEO_BIN}. Install it with:\n  apt-get install -y skopeo`,
    );
  }
  return new Promise((resolve) => {
    execFile(
      SKOPEO_BIN,
      args,
      { encoding: 'buffer', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}
