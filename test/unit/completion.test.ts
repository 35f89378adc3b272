/**
 * `manifold completion bash|zsh|fish` and manifold(1): generated from the command tree, checked
 * in the real shells (bash's completion function, zsh's with compadd observed, fish's own
 * `complete -C`) and by man(1) itself. The shells are Debian packages scripts/system-deps.sh
 * installs; a missing one fails here, loudly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { EXIT_MEANINGS } from '../../src/errors.js';
import { commandTree } from '../../src/cli/command-tree.js';
import { examplesOf } from '../../src/cli/commands/examples.js';
import { bashCompletion, fishCompletion, zshCompletion } from '../../src/cli/completion.js';
import { silentIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/main.js';
import { manPage } from '../../src/cli/man-page.js';

const tree = commandTree(buildProgram(silentIo()), examplesOf);
const dir = mkdtempSync(join(tmpdir(), 'manifold-completion-'));
const scripts = mkdtempSync(join(tmpdir(), 'manifold-completion-scripts-'));
writeFileSync(join(dir, 'manifest.yml'), '');
writeFileSync(join(dir, 'other.txt'), '');

function shell(bin: string, script: string): string {
  const r = spawnSync(bin, ['-c', script], { cwd: dir, encoding: 'utf8' });
  if (r.error)
    throw new Error(`${bin} is missing (apt-get install -y zsh fish): ${r.error.message}`);
  expect({ bin, stderr: r.stderr, status: r.status }).toEqual({ bin, stderr: '', status: 0 });
  return r.stdout;
}

describe('completion scripts', () => {
  const bash = join(scripts, 'manifold.bash');
  const zsh = join(scripts, '_manifold');
  const fish = join(scripts, 'manifold.fish');
  writeFileSync(bash, bashCompletion(tree));
  writeFileSync(zsh, zshCompletion(tree));
  writeFileSync(fish, fishCompletion(tree));

  test.each<[string[], string[]]>([
    [
      ['manifold', 'pu'],
      ['publish', 'push'],
    ],
    [
      ['manifold', 'push', 'from-'],
      ['from-spec', 'from-args'],
    ],
    [['manifold', 'push', 'from-spec', '--out'], ['--output']],
    [
      ['manifold', 'publish', '--type', ''],
      ['docker', 'oci', 'auto'],
    ],
    [['manifold', 'publish', '--from-spec', 'man'], ['manifest.yml']],
    [['manifold', 'validate', 'o'], ['other.txt']],
    [['manifold', '--quiet', 'completion', 'f'], ['fish']],
    [['manifold', 'publish', '--log-l'], ['--log-level']],
    [['manifold', 'inspect', '--template', ''], []],
  ])('bash: %j → %j', (words, expected) => {
    const out = shell(
      'bash',
      `source ${bash}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _manifold; printf '%s\\n' "\${COMPREPLY[@]}"`,
    );
    expect(out.split('\n').filter(Boolean).sort()).toEqual([...expected].sort());
  });

  test('zsh: the words offered at each level (compadd observed)', () => {
    const run = (words: string[]): string[] =>
      shell(
        'zsh',
        `compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }; _files() { print -r -- FILES; }; compdef() {}; source ${zsh}; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _manifold`,
      )
        .split('\n')
        .filter(Boolean);
    expect(run(['manifold', ''])).toEqual(tree.commands.map((c) => c.name));
    expect(run(['manifold', 'push', ''])).toEqual(['from-spec', 'from-args']);
    expect(run(['manifold', 'publish', '--type', ''])).toEqual(['docker', 'oci', 'auto']);
    expect(run(['manifold', 'publish', '--from-spec', ''])).toEqual(['FILES']);
    expect(run(['manifold', 'publish', '--'])).toEqual(
      expect.arrayContaining(['--dry-run', '--quiet']),
    );
  });

  test("fish: `complete -C` gives the words and the options' descriptions", () => {
    const c = (line: string): string[] =>
      shell('fish', `source ${fish}; complete -C '${line}'`)
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!);
    expect(c('manifold pu').sort()).toEqual(['publish', 'push']);
    expect(c('manifold push fr').sort()).toEqual(['from-args', 'from-spec']);
    expect(c('manifold publish --dry')).toEqual(['--dry-run']);
    expect(c('manifold publish --type ').sort()).toEqual(['auto', 'docker', 'oci']);
    expect(c('manifold publish --from-spec man')).toEqual(['manifest.yml']);
    expect(shell('fish', `source ${fish}; complete -C 'manifold publish --dry'`)).toContain(
      'push nothing',
    );
  });
});

describe('manifold(1)', () => {
  const page = manPage(tree, {
    version: '0.0.0-test',
    date: '2026-01-01',
    exitCodes: EXIT_MEANINGS,
  });

  test('man renders it without warnings, with every command, option and exit code', () => {
    const file = join(scripts, 'manifold.1');
    writeFileSync(file, page);
    const r = spawnSync('man', ['--warnings', '-l', file], {
      encoding: 'utf8',
      env: { ...process.env, MANWIDTH: '200', MAN_KEEP_FORMATTING: '', PAGER: 'cat' },
    });
    expect(r.stderr).toBe('');
    const text = r.stdout.replace(/.\x08/g, '');
    for (const c of tree.commands) expect(text).toContain(`manifold ${c.name}`);
    expect(text).toContain('manifold push from-spec');
    for (const flag of ['--from-spec', '--digest-file-format', '--tls-verify', '--referrers'])
      expect(text).toContain(flag);
    for (const [code] of EXIT_MEANINGS) expect(text).toMatch(new RegExp(`^\\s+${code}\\s`, 'm'));
    expect(text).toContain('manifold publish --from-spec manifest.yml --dry-run --output json');
  });
});
