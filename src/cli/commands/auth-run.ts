import { AppError, EXIT } from '../../errors.js';
import { escapeControl } from '../../escape.js';
import { parseReference, referenceTarget } from '../../oci/index.js';
import { registryContext, type GlobalOptions, type RegistryOptions } from '../context.js';
import type { Io } from '../io.js';

export interface AuthCheckOptions extends RegistryOptions, GlobalOptions {
  output: string;
}

interface Row {
  reference: string;
  host: string;
  credentials: string;
  pull: boolean | 'error';
  push: boolean | 'error';
  error?: string;
}

async function checkOne(refText: string, ctx: ReturnType<typeof registryContext>): Promise<Row> {
  const ref = parseReference(refText);
  const cred = await ctx.credentials.get(ref.host);
  const row: Row = {
    reference: refText,
    host: ref.host,
    credentials: cred ? cred.source : 'anonymous',
    pull: 'error',
    push: 'error',
  };
  const client = ctx.clientFor(ref.host);
  try {
    row.pull = await client.canPull(ref.repository, referenceTarget(ref));
    row.push = await client.canPush(ref.repository);
  } catch (err) {
    row.error = err instanceof AppError ? err.message : String(err);
  }
  return row;
}

const yn = (v: boolean | 'error'): string => (v === 'error' ? 'error' : v ? 'yes' : 'no');

/** Runs `manifold auth check`. Never prints a secret: only where the credentials came from. */
export async function runAuthCheck(
  refs: string[],
  opts: AuthCheckOptions,
  io: Io,
): Promise<number> {
  const ctx = registryContext(opts, opts, io);
  try {
    const rows: Row[] = [];
    for (const r of refs) rows.push(await checkOne(r, ctx));
    if (opts.output === 'json') io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else
      for (const r of rows)
        io.stdout(
          `${r.reference}: credentials: ${r.credentials}; pull: ${yn(r.pull)}; push: ${yn(r.push)}${r.error ? `; ${escapeControl(r.error)}` : ''}\n`,
        );
    return rows.every((r) => r.pull === true && r.push === true) ? EXIT.OK : EXIT.RESOLVE;
  } finally {
    ctx.close();
  }
}
