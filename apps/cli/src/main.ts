/**
 * `elegans` command-line entry. Each subcommand lives in its own module under ./commands and
 * exports `run(argv): Promise<number>` (the exit code). With `--json`, a command prints exactly
 * one JSON object on stdout; progress and logs go to stderr.
 */
type CommandModule = { run(argv: string[]): Promise<number>; summary: string; USAGE: string };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  // registry: one line per command; keep sorted
  analyze: () => import('./commands/analyze.js'),
  batch: () => import('./commands/batch.js'),
  'bench model': () => import('./commands/bench-model.js'),
  'eval long': () => import('./commands/eval-long.js'),
  'eval qa': () => import('./commands/eval-qa.js'),
  'eval retrieval': () => import('./commands/eval-retrieval.js'),
  'eval summaries': () => import('./commands/eval-summaries.js'),
  'keys create': () => import('./commands/keys-create.js'),
  'keys list': () => import('./commands/keys-list.js'),
  'keys revoke': () => import('./commands/keys-revoke.js'),
  parse: () => import('./commands/parse.js'),
  reindex: () => import('./commands/reindex.js'),
};

export function registeredCommands(): string[] {
  return Object.keys(COMMANDS).sort();
}

function usage(): string {
  return ['usage: elegans <command> [options]', '', 'commands:', ...registeredCommands().map((c) => `  ${c}`)].join(
    '\n',
  );
}

export async function main(argv: string[]): Promise<number> {
  // Two-word commands ("eval qa", "keys create") win over one-word ones.
  const two = argv.slice(0, 2).join(' ');
  const one = argv[0] ?? '';
  const key = COMMANDS[two] ? two : COMMANDS[one] ? one : null;
  if (!key) {
    process.stderr.write(`${usage()}\n`);
    return argv.length === 0 || one === '--help' || one === 'help' ? 0 : 2;
  }
  const rest = argv.slice(key.split(' ').length);
  const mod = await COMMANDS[key]!();
  const withNewline = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(withNewline(`${mod.USAGE.trimEnd()}\n\n${mod.summary}`));
    return 0;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    // node:util parseArgs (strict) refuses unknown or malformed options: a usage error (exit 2), not a crash.
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw err;
    process.stderr.write(`elegans ${key}: ${(err as Error).message}\n${withNewline(mod.USAGE)}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`elegans: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
