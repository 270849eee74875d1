/** A minimal valid config file and the secrets in it, shared by the config, registration and logging tests. */
export const AS_TOKEN = 'as_' + 'a1'.repeat(20);
export const HS_TOKEN = 'hs_' + 'b2'.repeat(20);
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export const MINIMAL_YAML = `
homeserver:
  domain: example.org
appservice:
  address: http://localhost:29300
  as_token: ${AS_TOKEN}
  hs_token: ${HS_TOKEN}
database:
  encryption_key: ${ENCRYPTION_KEY}
permissions:
  '*': relay
  example.org: user
  '@admin:example.org': admin
bridges:
  irc:
    enabled: true
    networks:
      - id: libera
        host: irc.libera.chat
`;

/** MINIMAL_YAML with `path` (dotted, top two levels only) replaced or added. */
export function withValue(section: string, key: string, value: string): string {
  const lines = MINIMAL_YAML.split('\n');
  const start = lines.indexOf(`${section}:`);
  if (start < 0) return `${MINIMAL_YAML}${section}:\n  ${key}: ${value}\n`;
  let i = start + 1;
  while (i < lines.length && (lines[i] ?? '').startsWith('  ')) {
    if ((lines[i] ?? '').startsWith(`  ${key}:`)) {
      lines[i] = `  ${key}: ${value}`;
      return lines.join('\n');
    }
    i++;
  }
  lines.splice(start + 1, 0, `  ${key}: ${value}`);
  return lines.join('\n');
}
