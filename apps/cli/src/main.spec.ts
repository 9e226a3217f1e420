import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, registeredCommands } from './main';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  return { out: () => out, err: () => err };
}

describe('elegans CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(registeredCommands())('`elegans %s --help` prints its usage and exits 0', async (command) => {
    const io = capture();
    const code = await main([...command.split(' '), '--help']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^usage: elegans ${command}\\b`));
    expect(io.err()).toBe('');
  });

  it('an unknown option is a usage error (exit 2) naming the option, not a crash', async () => {
    const io = capture();
    const code = await main(['keys', 'create', '--tenant', 'x', '--bogus']);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(io.err()).toContain("'--bogus'");
    expect(io.err()).toContain('usage: elegans keys create');
  });
});
