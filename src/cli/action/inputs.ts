/**
 * The GitHub Action's inputs (action.yml) turned into one `manifold publish` command line. The
 * runner hands a JavaScript action its inputs as `INPUT_<NAME>` variables (name upper-cased,
 * spaces as `_`, hyphens kept). Nothing here decides what a publish does: every input becomes the
 * flag a terminal user would type, and the CLI checks it as it checks theirs.
 *
 *   spec         newline-separated files           → --from-spec F (each)
 *   tags         newline/comma-separated, bare tags or full references (metadata-action's `tags`)
 *                                                   → --tags T (each)
 *   annotations  newline-separated KEY=VALUE, `index:` prefix allowed (metadata-action's
 *                `annotations`); `manifest:` / `manifest-descriptor:` lines are for the images
 *                built per platform, not the index: skipped with a warning
 *                                                   → --annotations A (each)
 *   dry-run      true/false (YAML 1.2 core booleans)→ --dry-run
 *   type         docker | oci | auto               → --type T
 *   targets      newline/comma-separated references → --target R (each; from-args)
 *   args         the rest: every line kept, quoting as in a POSIX shell (no expansion)
 *   username, password → MANIFOLD_USERNAME / MANIFOLD_PASSWORD (never on a command line)
 */
import { AppError } from '../../errors.js';

export interface ActionCommand {
  argv: string[];
  /** Variables for the run (credentials): never argv, which other processes can read. */
  env: Record<string, string>;
  /** `working-directory`, when given. */
  cwd?: string;
  /** Inputs skipped, each with why (printed as `::warning::`). */
  warnings: string[];
  /** Values to mask in the job log (`::add-mask::`). */
  secrets: string[];
}

/** An input as the runner passes it (`core.getInput`: upper-cased, spaces as `_`, trimmed). */
export function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A boolean input as `core.getBooleanInput` reads it; empty is false. */
export function booleanInput(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = input(env, name);
  if (v === '') return false;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new AppError('USAGE', `input ${name}: "${v}" is not true or false`);
}

/** Lines of a multi-line input, trimmed, empty ones and `#` comments dropped. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A list input: newline- or comma-separated. */
export function list(text: string): string[] {
  return lines(text)
    .flatMap((l) => l.split(','))
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * Splits `args` as a POSIX shell splits words, without expansion: whitespace (newlines included)
 * separates, '…' keeps everything literally, "…" keeps everything but `\"`, `\\`, `\$` and
 * `` \` `` (escaped) and a backslash-newline (removed), and outside quotes a backslash escapes
 * the next character. `#` at the start of a word comments out the rest of its line. An
 * unterminated quote is an error, not a guess.
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const end = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      end();
      i++;
    } else if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw unterminated("'", text, i);
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= text.length) throw unterminated('"', text, text.lastIndexOf('"', i));
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  end();
  return words;
}

function unterminated(quote: string, text: string, at: number): AppError {
  const line = text.slice(0, at).split('\n').length;
  return new AppError(
    'USAGE',
    `input args: the ${quote === "'" ? 'single' : 'double'} quote on line ${line} is never closed`,
  );
}

/** The annotation lines meant for the index; metadata-action's image-level ones are skipped. */
function indexAnnotations(text: string, warnings: string[]): string[] {
  const out: string[] = [];
  const skipped: string[] = [];
  for (const l of lines(text)) {
    if (/^manifest(-descriptor)?(\[[^\]]*\])?:/.test(l)) skipped.push(l.slice(0, l.indexOf(':')));
    else out.push(l);
  }
  if (skipped.length > 0)
    warnings.push(
      `annotations: ${skipped.length} line${skipped.length === 1 ? '' : 's'} with ${[...new Set(skipped)].join(', ')}: belong to the images built per platform, not to the index, and were skipped (docker/metadata-action: set DOCKER_METADATA_ANNOTATIONS_LEVELS to index)`,
    );
  return out;
}

/** The whole command line of an action run. */
export function actionCommand(env: NodeJS.ProcessEnv): ActionCommand {
  const warnings: string[] = [];
  const argv = ['publish'];
  for (const f of lines(input(env, 'spec'))) argv.push('--from-spec', f);
  for (const t of list(input(env, 'tags'))) argv.push('--tags', t);
  for (const a of indexAnnotations(input(env, 'annotations'), warnings))
    argv.push('--annotations', a);
  for (const t of list(input(env, 'targets'))) argv.push('--target', t);
  const type = input(env, 'type');
  if (type) argv.push('--type', type);
  if (booleanInput(env, 'dry-run')) argv.push('--dry-run');
  argv.push(...splitArgs(env['INPUT_ARGS'] ?? ''));
  const runEnv: Record<string, string> = {};
  const secrets: string[] = [];
  const user = input(env, 'username');
  const password = env['INPUT_PASSWORD'] ?? '';
  if (user) runEnv['MANIFOLD_USERNAME'] = user;
  if (password) {
    runEnv['MANIFOLD_PASSWORD'] = password;
    secrets.push(password);
  }
  const cwd = input(env, 'working-directory');
  return { argv, env: runEnv, ...(cwd && cwd !== '.' ? { cwd } : {}), warnings, secrets };
}
