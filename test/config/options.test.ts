import { Command } from 'commander';
import { options, optionTable } from '../../src/config/options';
import { commanderOptions, flagAttribute, renderOptionsMarkdown } from '../../src/config/optionRendering';

const upperSnake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

describe('the option table', () => {
  test('every option follows the naming rules', () => {
    for (const o of options) {
      expect(o.env).toBe(`SESSION_RECORDER_${upperSnake(o.name)}`);
      if (o.name !== 'configFile') expect(o.fileKey).toBe(o.name);
      expect(o.flag).toMatch(/^--[a-z][a-z-]*( <[a-z]+>| \[[a-z]+\])?$/);
      expect(o.description.length).toBeGreaterThan(10);
      expect(o.commands.length).toBeGreaterThan(0);
    }
    expect(optionTable.configFile.fileKey).toBeUndefined();
    expect(new Set(options.map((o) => flagAttribute(o))).size).toBe(options.length);
  });

  test('the CLI contract of issue 2 parses through commander', () => {
    const record = new Command('record').exitOverride();
    commanderOptions('record').forEach((o) => record.addOption(o));
    record.parse(
      ['--destination', 's3://bucket/prefix/', '--endpoint', 'http://127.0.0.1:9000', '--region', 'us-east-1', '--display', ':9',
        '--spool-dir', '/tmp/spool', '--sentinel', '/tmp/s/end', '--segment-seconds', '5', '--frame-rate', '5', '--session-id', 'ID',
        '--stack', 'S', '--fleet', 'F', '--user', 'U', '--drain-timeout', '50', '--inspect'],
      { from: 'user' },
    );
    expect(record.opts()).toMatchObject({ destination: 's3://bucket/prefix/', segmentSeconds: '5', sessionId: 'ID', inspect: true });

    const end = new Command('end').exitOverride();
    commanderOptions('end').forEach((o) => end.addOption(o));
    end.parse(['--sentinel', '/tmp/s/end', '--timeout', '55'], { from: 'user' });
    expect(end.opts()).toEqual({ sentinel: '/tmp/s/end', timeout: '55' });
  });

  test('the Markdown table has one row per option and escapes pipes', () => {
    const md = renderOptionsMarkdown();
    const rows = md.trim().split('\n');
    expect(rows).toHaveLength(options.length + 2);
    for (const o of options) expect(md).toContain(`\`${o.env}\``);
    for (const row of rows.slice(2)) expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });
});
