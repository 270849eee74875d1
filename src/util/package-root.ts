import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding package.json. Code runs both from `src/` (tests) and from `dist/src/`
 * (the built CLI), so data files such as SQL migrations are found from the package root.
 */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}
