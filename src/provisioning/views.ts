import QRCode from 'qrcode';
import type { LoginAttempt } from '../logins/login-sessions';
import type { NetworkRuntime } from '../modules/runtime';
import type { LoginWithState } from '../store/login-repo';
import type { PortalRow } from '../store/portal-repo';

/** The JSON shapes of the API (docs/openapi.yaml); snake_case like the Matrix APIs. */

export function networkView(net: NetworkRuntime) {
  const flows = net.connector.startLogin ? (net.connector.loginFlows?.() ?? []) : [];
  return {
    id: net.id,
    display_name: net.displayName,
    login_flows: flows.map((f) => ({ id: f.id, name: f.name, description: f.description })),
    capabilities: net.module.manifest.capabilities,
  };
}

export function loginView(l: LoginWithState, networks: ReadonlyMap<string, NetworkRuntime>) {
  return {
    id: l.id,
    network: l.network,
    network_name: networks.get(l.network)?.displayName ?? l.network,
    user_id: l.userId,
    remote_id: l.remoteId,
    remote_name: l.remoteName,
    state: l.state,
    state_message: l.stateMessage,
  };
}

export function portalView(p: PortalRow) {
  return {
    room_id: p.room_id,
    network: p.network,
    chat_id: p.remote_id,
    receiver: p.receiver || null,
    kind: p.kind,
    name: p.name,
    topic: p.topic,
  };
}

/** A login attempt; a QR code comes as a PNG data URL too, so a page needs no QR library. */
export async function attemptView(a: LoginAttempt, networks: ReadonlyMap<string, NetworkRuntime>) {
  const base = {
    id: a.id,
    network: a.network.id,
    flow: a.flowId,
    user_id: a.user.userId,
    status: a.status,
    version: a.version,
    ...(a.error ? { error: a.error } : {}),
    ...(a.login ? { login: loginView(a.login, networks) } : {}),
  };
  const step = a.step;
  if (!step) return base;
  if (step.type === 'user_input') {
    const fields = step.fields.map((f) => ({
      id: f.id,
      label: f.label,
      type: f.type,
      optional: f.optional ?? false,
      ...(f.pattern ? { pattern: f.pattern } : {}),
    }));
    return {
      ...base,
      step: { type: step.type, step_id: step.stepId, instructions: step.instructions, fields },
    };
  }
  const image =
    step.display.kind === 'qr'
      ? await QRCode.toDataURL(step.display.data, { margin: 2, scale: 6 })
      : undefined;
  return {
    ...base,
    step: {
      type: step.type,
      step_id: step.stepId,
      instructions: step.instructions,
      display: { kind: step.display.kind, data: step.display.data, ...(image ? { image } : {}) },
    },
  };
}
