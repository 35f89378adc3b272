/**
 * The tag step of applying a plan: PUT the index under every tag that does not already point at
 * it, then read every written tag back. (Children are put in place first, by copy.ts.)
 */
import { AppError, isAborted } from '../errors.js';
import type { Logger } from '../log.js';
import type { RegistryClient } from '../registry/index.js';
import type { PublishPlan, TagResult } from './types.js';

export interface ApplyDeps {
  client: RegistryClient;
  logger: Logger;
  progress?: (phase: 'copy' | 'tag', delta: { total?: number; done?: number }) => void;
}

/** Thrown when writing started and did not finish: the run's report says what moved. */
export class PushError extends AppError {
  override name = 'PushError';
  constructor(message: string, options?: ErrorOptions) {
    super('PUSH_FAILED', message, options);
  }
}

/** How long reads that settle an interrupted write may take. */
export const SETTLE_GRACE_MS = 5_000;

/** What the target repository holds now: whether it exists at all, and what each tag points at. */
export interface TargetState {
  /** False when the registry says the repository does not exist (nothing of ours can be in it). */
  exists: boolean;
  tags: Map<string, string | undefined>;
}

/**
 * Looks the target up: one tags/list, then a HEAD only for the tags that exist (every tag when
 * the registry will not list). Runs while the children resolve, so it costs no extra round
 * trip; a first publish sends no HEAD at all.
 */
export async function targetState(
  client: RegistryClient,
  repo: string,
  tags: string[],
): Promise<TargetState> {
  const listed = await client.listTags(repo);
  const exists = (t: string): boolean => listed === undefined || listed.includes(t);
  const entries = await Promise.all(
    tags.map(
      async (t) =>
        [t, exists(t) ? (await client.headManifest(repo, t))?.digest : undefined] as const,
    ),
  );
  return { exists: listed === undefined || listed.length > 0, tags: new Map(entries) };
}

/** A tag after its PUT: written (answer 201), cut off by us, or refused. */
type Attempt = {
  tag: string;
  before?: string;
  outcome: 'unchanged' | 'written' | 'aborted' | 'refused';
  error?: string;
  interrupted?: boolean;
};

/**
 * The truth about a tag once its PUT is over, from a read-back (HEAD by tag).
 *
 * | PUT outcome | tag now points at  | status                                              |
 * |-------------|--------------------|-----------------------------------------------------|
 * | written     | our digest         | created / updated                                   |
 * | written     | what it did before | failed: not applied by the registry                 |
 * | written     | another digest     | failed: moved by another writer                     |
 * | aborted     | our digest         | created / updated (settled after the interrupt)     |
 * | aborted     | what it did before | failed: interrupted, the tag was not moved          |
 * | aborted     | another digest     | failed: moved by another writer                     |
 * | any         | read-back failed   | unknown                                             |
 */
export function settleTag(a: Attempt, now: string | undefined | Error, digest: string): TagResult {
  const base = a.before ? { tag: a.tag, previous: a.before } : { tag: a.tag };
  const cut = a.interrupted
    ? 'interrupted during its PUT'
    : `its PUT got no answer (${a.error ?? 'network failure'})`;
  if (now instanceof Error)
    return {
      ...base,
      status: 'unknown',
      error: `${a.outcome === 'aborted' ? cut : 'written'}, then could not be read back: ${now.message}`,
    };
  if (now === digest) {
    const note =
      a.outcome !== 'aborted'
        ? {}
        : {
            note: a.interrupted
              ? 'settled after the interrupt'
              : 'its PUT got no answer; read back',
          };
    return { ...base, status: a.before ? 'updated' : 'created', ...note };
  }
  const where = now ? `it points at ${now}` : 'it does not exist';
  if (now !== a.before)
    return { ...base, status: 'failed', error: `moved by another writer (${where})` };
  if (a.outcome === 'aborted')
    return { ...base, status: 'failed', error: `${cut}; the tag was not moved` };
  return {
    ...base,
    status: 'failed',
    error: `not applied by the registry: it answered the PUT with success, yet ${where}`,
  };
}

async function attempt(
  tag: string,
  plan: PublishPlan,
  current: Map<string, string | undefined>,
  client: RegistryClient,
): Promise<Attempt> {
  const before = current.get(tag);
  if (before === plan.index.digest) return { tag, before, outcome: 'unchanged' };
  // Read, changed, written back: read again just before the write. The distribution spec has no
  // compare-and-swap, so a write between this read and the PUT is still possible; the read-back
  // after the PUT then reports it.
  if (plan.mergedFrom?.tag === tag) {
    const now = await client.readTag(plan.target.repository, tag).catch((err: Error) => err);
    if (now instanceof Error || now !== plan.mergedFrom.digest)
      return {
        tag,
        before,
        outcome: 'refused',
        error:
          now instanceof Error
            ? `could not read the tag again before writing: ${now.message}`
            : `changed by another writer since it was read for --append (now ${now ?? 'deleted'}); nothing was written: run again to merge what is there now`,
      };
  }
  try {
    await client.putManifest(plan.target.repository, tag, plan.index.bytes, plan.index.mediaType);
    return { tag, before, outcome: 'written' };
  } catch (err) {
    // Cut off by us, or the answer lost on the way: the registry may have stored it either way.
    const unknown = isAborted(err) || (err instanceof AppError && err.code === 'NETWORK');
    return {
      tag,
      before,
      outcome: unknown ? 'aborted' : 'refused',
      error: (err as Error).message,
      interrupted: isAborted(err),
    };
  }
}

/**
 * PUTs the index under every tag that does not already point at it, in parallel, then reads
 * every written (or cut-off) tag back and reports what it points at. Never throws: failures
 * are in the results. A cut-off write is read back on a short grace period of its own.
 */
export async function pushTags(
  plan: PublishPlan,
  current: Map<string, string | undefined>,
  deps: ApplyDeps,
): Promise<TagResult[]> {
  const { client } = deps;
  const repo = plan.target.repository;
  deps.progress?.('tag', { total: plan.tags.length });
  const attempts = await Promise.all(
    plan.tags.map((tag) =>
      attempt(tag, plan, current, client).finally(() => deps.progress?.('tag', { done: 1 })),
    ),
  );
  const interrupted = attempts.some((a) => a.interrupted);
  const signal = interrupted ? AbortSignal.timeout(SETTLE_GRACE_MS) : undefined;
  const results = await Promise.all(
    attempts.map(async (a): Promise<TagResult> => {
      if (a.outcome === 'unchanged') return { tag: a.tag, status: 'unchanged' };
      if (a.outcome === 'refused')
        return {
          tag: a.tag,
          status: 'failed',
          ...(a.before ? { previous: a.before } : {}),
          error: a.error,
        };
      const now = await client.readTag(repo, a.tag, signal).then(
        (d) => d,
        (err: Error) => err,
      );
      return settleTag(a, now, plan.index.digest);
    }),
  );
  for (const r of results)
    deps.logger.info({ tag: r.tag, status: r.status, digest: plan.index.digest }, 'tag');
  return results;
}
