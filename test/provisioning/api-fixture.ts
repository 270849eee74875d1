import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { listen } from '../../src/appservice/server';
import type { ProvisioningOptions } from '../../src/provisioning/api';
import { createProvisioning } from '../../src/provisioning/setup';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startBridgeHarness, type BridgeHarness } from '../support/bridge-harness';
import { openIdToken, ProvisioningClient, type SessionJson } from './api-client';
import { OpenApiContract } from './openapi-contract';

export const PREFIX = '/_switchboard/provision';
export const SECRET = 'provisioning-secret-0123456789abcdef0123456789';
const DOMAIN = 'switchboard.test';

/** The permission levels the API tests rely on. */
export const PERMISSIONS = {
  '*': 'relay',
  [DOMAIN]: 'user',
  [`@ada:${DOMAIN}`]: 'admin',
  [`@rita:${DOMAIN}`]: 'relay',
  [`@bea:${DOMAIN}`]: 'block',
};

export interface ApiFixture {
  readonly h: BridgeHarness;
  readonly contract: OpenApiContract;
  /** The API as the bridge mounts it (appservice port, real limits). */
  readonly mounted: ProvisioningClient;
  /** The same services behind a second instance with other options, checked against the contract. */
  readonly api: ProvisioningClient;
  /** Another instance, e.g. with tiny rate limits. */
  instance(o: Partial<ProvisioningOptions>, contract?: OpenApiContract): Promise<ProvisioningClient>;
  signIn(user: TestMatrixClient): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real Synapse and bridge (example network, provisioning on). The contract suites talk to
 * extra instances of the provisioning app over the bridge's own services, with rate limits
 * out of the way: they make more sign-ins from 127.0.0.1 in a minute than the real limit allows.
 */
export async function startApiFixture(exampleDelayMs = 50): Promise<ApiFixture> {
  const h = await startBridgeHarness({
    bridges: { example: { enabled: true, contacts: ['alice', 'bob'], reply_delay_ms: exampleDelayMs } },
    extraConfig: { provisioning: { enabled: true, shared_secret: SECRET }, permissions: PERMISSIONS },
  });
  const servers: Server[] = [];
  const contract = new OpenApiContract();
  const instance = async (o: Partial<ProvisioningOptions>, c: OpenApiContract | undefined = contract) => {
    const b = h.bridge;
    const app = express().use(
      PREFIX,
      createProvisioning(h.config, h.synapse.baseUrl, b.store, b.networks, b.services, b.log, o),
    );
    const server = await listen(app, 0, '127.0.0.1');
    servers.push(server);
    return new ProvisioningClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`, c);
  };
  const api = await instance({ requestsPerMinute: 1_000_000, authAttemptsPerMinute: 1_000_000 });
  return {
    h,
    contract,
    mounted: new ProvisioningClient(`http://127.0.0.1:${h.bridge.port}${PREFIX}`),
    api,
    instance,
    async signIn(user) {
      const res = await api.call<SessionJson>('POST', '/v1/auth/openid', {
        body: { access_token: await openIdToken(user), matrix_server_name: DOMAIN },
      });
      if (res.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(res.body)}`);
      return res.body.token;
    },
    async stop() {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      await h.stop();
    },
  };
}

/**
 * Every given operation was called with success, with an authentication failure, and with
 * another 4xx (bad input, permission, unknown id), except those listed in `noInput`.
 */
export function expectCovered(
  contract: OpenApiContract,
  ops: readonly string[],
  noInput: readonly string[] = [],
): void {
  const missing: string[] = [];
  for (const op of ops) {
    const seen = contract.calls.filter((c) => `${c.method} ${c.template}` === op).map((c) => c.status);
    if (!seen.some((s) => s >= 200 && s < 300)) missing.push(`${op}: no success`);
    if (!seen.includes(401)) missing.push(`${op}: no auth failure`);
    if (!noInput.includes(op) && !seen.some((s) => s >= 400 && s < 500 && s !== 401))
      missing.push(`${op}: no bad-input answer`);
  }
  expect(missing).toEqual([]);
}
