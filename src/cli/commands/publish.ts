import { Option, type Command } from 'commander';
import { addRegistryOptions, collectEach, collectList, outputOption } from '../registry-options.js';
import type { Exit, Io } from '../io.js';
import type { PublishOptions, PublishRunOptions } from './publish-run.js';

/** `--type`: the index format; `auto` picks Docker when every child is Docker and nothing OCI-only is asked for. */
export function typeOption(defaultValue?: 'docker'): Option {
  const o = new Option(
    '--type <type>',
    "index format: docker (manifest list), oci (image index) or auto; overrides a spec's mediaType",
  ).choices(['docker', 'oci', 'auto']);
  return defaultValue ? o.default(defaultValue) : o;
}

/** Options shared by every command that publishes. */
export function addPublishOptions(cmd: Command): Command {
  cmd
    .option('--ignore-missing', 'skip children that do not exist, with a warning', false)
    .option(
      '--min-children <n>',
      "refuse (exit 3) an index with fewer images than this (overrides the spec's minChildren)",
    )
    .option(
      '--allow-fewer-platforms',
      'publish even when skipped children leave a tag serving fewer platforms than now',
      false,
    )
    .option(
      '--dry-run',
      'resolve and plan, print the index and what each tag would become, push nothing',
      false,
    )
    .option(
      '--verify-binaries',
      "check each child's binaries (entrypoint, interpreters, loader) against its platform; sets every document's verify: binaries",
      false,
    )
    .option(
      '--verify-strict',
      'with the binaries check: refuse a child whose binaries could not be checked (unverified: error)',
      false,
    )
    .option(
      '--verify-budget <size>',
      'compressed layer bytes the binaries check may read per child (256MiB; K, M, G, KiB, MiB, GiB)',
    )
    .addOption(outputOption())
    .option('--digest-file <path>', 'write the pushed digest to this file')
    .addOption(
      new Option(
        '--digest-file-format <format>',
        'plain: the digest on a line; dotenv: DIGEST=… (GitLab artifacts:reports:dotenv)',
      )
        .choices(['plain', 'dotenv'])
        .default('plain'),
    )
    .option(
      '--metadata-file <path>',
      "write buildx imagetools' metadata (containerimage.digest, containerimage.descriptor, image.name) as JSON to this file",
    );
  return addRegistryOptions(cmd);
}

/** Whether `--type` was given on the command line (not a default). */
export const typeGiven = (command: Command): boolean => {
  for (let c: Command | null = command; c; c = c.parent)
    if (c.getOptionValueSource('type') === 'cli') return true;
  return false;
};

/** `manifold publish`: push an index built from a spec (or from manifest-tool style arguments). */
export function registerPublish(program: Command, io: Io, exit: Exit): void {
  const cmd = program
    .command('publish')
    .description('resolve every child, check platforms, and push one index under every tag')
    .option(
      '--from-spec <file>',
      'spec file; - reads standard input (repeatable: every file is checked before anything is pushed)',
      collectEach,
      [],
    )
    .option(
      '--from-args',
      "build the spec from --platforms, --template and --target (manifest-tool's from-args)",
    )
    .option(
      '--platforms <list>',
      'with --from-args: os/arch[/variant], comma-separated (repeatable)',
      collectList,
      [],
    )
    .option(
      '--template <ref>',
      'with --from-args: child reference with OS, ARCH and VARIANT placeholders',
    )
    .option(
      '--target <ref>',
      'with --from-args: the target reference (repeat for more repositories, same tags)',
      collectEach,
      [],
    )
    .option(
      '--tags <list>',
      "extra tags, comma-separated (repeatable): bare tags, or full references of a target repository (metadata-action's tags; with --from-args and no --target they are the targets); beside --from-spec for every document",
      collectList,
      [],
    )
    .option(
      '--annotations <key=value>',
      'an index annotation (repeatable; OCI only); beside --from-spec added to every document, winning over its own',
      collectEach,
      [],
    )
    .option(
      '--rewrite-config [platforms]',
      "with --from-args: write each child's platform into its config (rewriteConfig); only these os/arch[/variant] when a comma list is given",
    )
    .addOption(typeOption())
    .option('--allow-unknown-keys', 'report unknown spec keys as warnings and ignore them', false);
  addPublishOptions(cmd).action(async (_o: unknown, command: Command) => {
    const { runPublish } = await import('./publish-run.js');
    exit(await runPublish(command.optsWithGlobals<PublishOptions>(), io, typeGiven(command)));
  });
}

/**
 * `manifold push from-spec FILE` / `push from-args …`: manifest-tool's command lines, with only the
 * program name changed. `--type` defaults to docker there, as in manifest-tool.
 */
export function registerPush(program: Command, io: Io, exit: Exit): void {
  const push = program
    .command('push')
    .description(
      "manifest-tool's push command: from-spec FILE or from-args (the same flow as publish)",
    )
    .addOption(typeOption('docker'));
  const fromSpec = push
    .command('from-spec')
    .description('push an index described by a YAML spec (manifest-tool compatible)')
    .argument('<file...>', 'spec file(s); - reads standard input')
    .option('--allow-unknown-keys', 'report unknown spec keys as warnings and ignore them', false);
  addPublishOptions(fromSpec).action(async (files: string[], _o: unknown, command: Command) => {
    const { runPublish } = await import('./publish-run.js');
    const o = command.optsWithGlobals<PublishOptions>();
    exit(
      await runPublish(
        {
          ...o,
          fromSpec: files,
          fromArgs: false,
          platforms: [],
          tags: [],
          annotations: [],
          target: [],
          rewriteConfig: undefined,
        },
        io,
        typeGiven(command),
      ),
    );
  });
  const fromArgs = push
    .command('from-args')
    .description('push an index of TEMPLATE images, one per platform (manifest-tool compatible)')
    .requiredOption(
      '--platforms <list>',
      'os/arch[/variant], comma-separated (repeatable)',
      collectList,
      [],
    )
    .requiredOption(
      '--template <ref>',
      'child reference; OS, ARCH and VARIANT are replaced per platform',
    )
    .requiredOption(
      '--target <ref>',
      'the target reference (repeat for more repositories, same tags)',
      collectEach,
      [],
    )
    .option('--tags <list>', 'extra tags, comma-separated (repeatable)', collectList, [])
    .option('--annotations <key=value>', 'index annotation (repeatable; OCI only)', collectEach, [])
    .option(
      '--rewrite-config [platforms]',
      "write each child's platform into its config (rewriteConfig); only these os/arch[/variant] when a comma list is given",
    );
  addPublishOptions(fromArgs).action(async (_o: unknown, command: Command) => {
    const { runPublish } = await import('./publish-run.js');
    const o = command.optsWithGlobals<PublishOptions>();
    exit(await runPublish({ ...o, fromSpec: [], fromArgs: true }, io, typeGiven(command)));
  });
}

/** `manifold create -t TARGET [-t TAG …] SOURCE …`: an index from sources, as buildx imagetools create. */
export function registerCreate(program: Command, io: Io, exit: Exit): void {
  const cmd = program
    .command('create')
    .description(
      'push an index of the given images or indexes (as docker buildx imagetools create)',
    )
    .argument(
      '<sources...>',
      'images or indexes, by tag or digest (indexes are flattened); an image may add ,platform=OS/ARCH[/VARIANT] and ,rewrite-config',
    )
    .option(
      '-t, --tag <ref>',
      'target reference; repeat for more tags, and for more repositories (each gets the same tags)',
      collectEach,
      [],
    )
    .option('--annotation <key=value>', 'index annotation (repeatable; OCI only)', collectEach, [])
    .option(
      '--append',
      'add the sources to the index now under the first tag (a source for the same platform replaces its entry)',
      false,
    )
    .addOption(typeOption());
  addPublishOptions(cmd).action(async (sources: string[], _o: unknown, command: Command) => {
    const { createSpecs, runPublishSpecs } = await import('./publish-run.js');
    const o = command.optsWithGlobals<
      PublishRunOptions & { tag: string[]; annotation: string[]; append: boolean }
    >();
    exit(
      await runPublishSpecs(
        createSpecs({ tags: o.tag, sources, annotations: o.annotation, append: o.append }, o, io),
        o,
        io,
        typeGiven(command),
      ),
    );
  });
}
