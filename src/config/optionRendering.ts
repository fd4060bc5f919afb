/**
 * The option table (options.ts) as the CLI and the docs need it: commander options per command,
 * the names used in messages, and the README's configuration table.
 */
import { Option } from 'commander';
import { type CommandName, type OptionSpec, options, optionsFor } from './options';

/** The name commander gives the parsed value (`--inspect` → `inspect`): keys of `command.opts()`. */
export function flagAttribute(spec: OptionSpec): string {
  return new Option(spec.flag).attributeName();
}

/** The long flag alone, for messages: `--segment-seconds`. */
export function flagName(spec: OptionSpec): string {
  return spec.flag.split(' ')[0] ?? spec.flag;
}

/**
 * Commander options for one command, without defaults (defaults are applied by loadConfig, after
 * the environment and the config file, so precedence holds) and without value checks (loadConfig
 * makes one clear error for every source alike).
 */
export function commanderOptions(command: CommandName): Option[] {
  return optionsFor(command).map(
    (spec) => new Option(spec.flag, `${spec.description} [env ${spec.env}] (default: ${spec.defaultText.replace(/`/g, '')})`),
  );
}

function cell(textValue: string): string {
  return textValue.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The README's configuration table. */
export function renderOptionsMarkdown(): string {
  const rows = options.map((o) =>
    [
      `\`${o.flag}\``,
      `\`${o.env}\``,
      o.fileKey === undefined ? '—' : `\`${o.fileKey}\``,
      o.defaultText,
      o.commands.join(', '),
      o.description,
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '| Flag | Environment variable | Config-file key | Default | Commands | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}
