import { parseShellAssignments } from '../../../src/adapters/metadata/shellAssignments';

const parse = (text: string) => Object.fromEntries(parseShellAssignments(text).values);

describe('parseShellAssignments', () => {
  test('plain, exported, quoted and concatenated values', () => {
    expect(
      parse(
        [
          'A=1',
          'export B="two words"',
          "export C='single $HOME'",
          'D="esc \\" \\$ \\\\ \\n"',
          "E='it'\\''s'",
          'F=back\\ slash',
          "G=$'tab\\tnl\\nq\\''",
          'export H=1 I=2',
          'J=',
          'K=a#b # comment',
          '  L=indented   ',
          'M="line\\',
          'continued"',
        ].join('\n'),
      ),
    ).toEqual({ A: '1', B: 'two words', C: 'single $HOME', D: 'esc " $ \\ \\n', E: "it's", F: 'back slash', G: "tab\tnl\nq'", H: '1', I: '2', J: '', K: 'a#b', L: 'indented', M: 'linecontinued' });
  });

  test('expansions and command substitutions stay literal text', () => {
    expect(parse('A=$(id -u)\nB=`touch x`\nC="${HOME}/x"\nD=$USER\nE=$(echo $(date))x\nF="$(id)"')).toEqual({
      A: '$(id -u)',
      B: '`touch x`',
      C: '${HOME}/x',
      D: '$USER',
      E: '$(echo $(date))x',
      F: '$(id)',
    });
  });

  test('statements that are not plain assignments are skipped', () => {
    const result = parseShellAssignments('echo A=1\nB=2 cmd\nC=3 > /dev/null\nif true; then D=4; fi\nE=5; F=6 && G=7\n# H=8\nexport\nexport -n I=9');
    expect(Object.fromEntries(result.values)).toEqual({ E: '5', F: '6', G: '7', I: '9' });
    expect(result.problems.map((p) => p.split(':')[0])).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 4', 'line 4']);
  });

  test('later assignments win; an unterminated quote stops parsing and is reported', () => {
    const result = parseShellAssignments('A=1\nA=2\nB="open\nC=3\n');
    expect(Object.fromEntries(result.values)).toEqual({ A: '2' });
    expect(result.problems).toEqual(['line 3: unterminated quote; the rest of the file is ignored']);
  });

  test('names like __proto__ are plain data', () => {
    const { values } = parseShellAssignments('__proto__=x\nconstructor=y');
    expect(values.get('__proto__')).toBe('x');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
