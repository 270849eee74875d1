/** DESIGN §1: every bridge module has the same file set, so learning one teaches all. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { MODULE_FILES } from '../../src/cli/new-bridge';

const BRIDGES = path.join(__dirname, '..', '..', 'bridges');

describe('bridge modules', () => {
  const modules = readdirSync(BRIDGES, { withFileTypes: true }).filter((d) => d.isDirectory());

  it('are the four in-repo networks', () => {
    expect(modules.map((d) => d.name).sort()).toEqual(['discord', 'example', 'irc', 'whatsapp']);
  });

  it.each(modules.map((d) => d.name))('%s has the standard file set and a README', (name) => {
    for (const file of [...MODULE_FILES, 'README.md'])
      expect(existsSync(path.join(BRIDGES, name, file)) ? file : `${name}/${file} missing`).toBe(file);
  });
});
