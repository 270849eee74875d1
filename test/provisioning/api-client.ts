import type { TestMatrixClient } from '../harness/matrix-test-client';
import type { OpenApiContract } from './openapi-contract';

/** The JSON shapes of docs/openapi.yaml, as far as the tests read them. */
export interface ErrorJson {
  errcode: string;
  error: string;
  retry_after_ms?: number;
}
export interface SessionJson {
  token: string;
  user_id: string;
  level: string;
  expires_at: number;
}
export interface LoginJson {
  id: string;
  network: string;
  user_id: string;
  remote_id: string;
  remote_name: string;
  state: string;
  state_message: string | null;
}
export interface AttemptJson {
  id: string;
  status: 'input' | 'waiting' | 'complete' | 'failed' | 'cancelled';
  version: number;
  user_id: string;
  error?: string;
  login?: LoginJson;
  step?: {
    type: 'user_input' | 'display_and_wait';
    instructions: string;
    fields?: { id: string; label: string; type: string; pattern?: string }[];
    display?: { kind: string; data: string; image?: string };
  };
}
export interface PortalJson {
  room_id: string;
  network: string;
  chat_id: string;
  receiver: string | null;
  kind: string;
  name: string | null;
  created?: boolean;
}
export interface NetworkJson {
  id: string;
  display_name: string;
  login_flows: { id: string; name: string }[];
}

export interface ApiAnswer<T> {
  readonly status: number;
  /** The JSON body; read as T on success, as {@link ErrorJson} otherwise. */
  readonly body: T & ErrorJson;
  readonly headers: Headers;
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (bad JSON tests). */
  readonly raw?: string;
}

/** Calls the provisioning API under `base` (the prefix URL) and checks each answer against the contract. */
export class ProvisioningClient {
  constructor(
    readonly base: string,
    private readonly contract?: OpenApiContract,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    apiPath: string,
    o: CallOptions = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + apiPath, {
      method,
      headers,
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : null;
    this.contract?.check(method, apiPath, res.status, body);
    return { status: res.status, body: body as T & ErrorJson, headers: res.headers };
  }
}

/** An OpenID token for the user, as a Matrix client (or a widget host) requests it. */
export async function openIdToken(client: TestMatrixClient): Promise<string> {
  const res = await fetch(
    `${client.baseUrl}/_matrix/client/v3/user/${encodeURIComponent(client.userId)}/openid/request_token`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${client.session.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    },
  );
  if (!res.ok) throw new Error(`openid request_token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
