/** The action's inputs as command-line words (src/cli/action/inputs.ts). */
import { describe, expect, test } from '@jest/globals';
import { actionCommand, booleanInput, splitArgs } from '../../src/cli/action/inputs.js';

describe('splitArgs: every line kept, quoting as a shell does it, nothing expanded', () => {
  test.each<[string, string[]]>([
    ['--tags 1,latest\n--dry-run', ['--tags', '1,latest', '--dry-run']],
    ["--annotations 'org.x=two words'", ['--annotations', 'org.x=two words']],
    ['--annotations "a=say \\"hi\\""', ['--annotations', 'a=say "hi"']],
    ['--template $HOME/x "$HOME"', ['--template', '$HOME/x', '$HOME']],
    ['a\\ b c', ['a b', 'c']],
    ["''", ['']],
    ['--a \\\n  --b', ['--a', '--b']],
    ['  \r\n--x\r\n\t--y  ', ['--x', '--y']],
    ['--x # a comment\n--y', ['--x', '--y']],
    ['--x=a#b', ['--x=a#b']],
    ["it'\"s'", ['it"s']],
    ['', []],
  ])('%j', (text, words) => {
    expect(splitArgs(text)).toEqual(words);
  });

  test('an unterminated quote is an error naming its line, not a guess', () => {
    expect(() => splitArgs("--x\n--tags 'a")).toThrow(/single quote on line 2 is never closed/);
    expect(() => splitArgs('--x "a')).toThrow(/double quote on line 1 is never closed/);
  });
});

describe('actionCommand', () => {
  test('every input becomes its flag; credentials go to the environment, never argv', () => {
    const c = actionCommand({
      INPUT_SPEC: 'a.yml\n\nb.yml\n',
      INPUT_TAGS: 'reg.example.com/app:1.2\nreg.example.com/app:latest,extra',
      INPUT_ANNOTATIONS:
        'manifest:org.opencontainers.image.title=app\nindex:org.opencontainers.image.title=app\nmanifest[linux/amd64]:k=v',
      INPUT_TARGETS: '',
      INPUT_TYPE: 'oci',
      'INPUT_DRY-RUN': 'True',
      INPUT_ARGS: '--verify-binaries',
      INPUT_USERNAME: 'bot',
      INPUT_PASSWORD: 's3cret',
      'INPUT_WORKING-DIRECTORY': 'deploy',
    });
    expect(c.argv).toEqual([
      'publish',
      '--from-spec',
      'a.yml',
      '--from-spec',
      'b.yml',
      '--tags',
      'reg.example.com/app:1.2',
      '--tags',
      'reg.example.com/app:latest',
      '--tags',
      'extra',
      '--annotations',
      'index:org.opencontainers.image.title=app',
      '--type',
      'oci',
      '--dry-run',
      '--verify-binaries',
    ]);
    expect(c.argv.join(' ')).not.toContain('s3cret');
    expect(c.env).toEqual({ MANIFOLD_USERNAME: 'bot', MANIFOLD_PASSWORD: 's3cret' });
    expect(c.secrets).toEqual(['s3cret']);
    expect(c.cwd).toBe('deploy');
    expect(c.warnings).toEqual([
      expect.stringMatching(/2 lines with manifest, manifest\[linux\/amd64\]/),
    ]);
  });

  test('defaults add nothing', () => {
    expect(actionCommand({ 'INPUT_DRY-RUN': 'false', 'INPUT_WORKING-DIRECTORY': '.' })).toEqual({
      argv: ['publish'],
      env: {},
      warnings: [],
      secrets: [],
    });
  });

  test('booleans are YAML 1.2 core booleans, as core.getBooleanInput reads them', () => {
    for (const v of ['true', 'True', 'TRUE']) expect(booleanInput({ INPUT_X: v }, 'x')).toBe(true);
    for (const v of ['false', 'False', 'FALSE', ''])
      expect(booleanInput({ INPUT_X: v }, 'x')).toBe(false);
    for (const v of ['yes', '1', 'on'])
      expect(() => booleanInput({ INPUT_X: v }, 'x')).toThrow(/not true or false/);
  });
});
