/**
 * The checks every later one stands on: logging in through the management room, the way a user
 * does, and opening a portal.
 */
import type { KitRun } from './kit-run';
import type { Outcome } from './outcome';

/** `login <network>`, each field answered from `driver.loginInputs`, until the login is connected. */
export async function checkLogin(k: KitRun): Promise<Outcome> {
  const { connector } = k.runtime;
  if (!connector.startLogin || !connector.loginFlows) {
    return { status: 'not_applicable', detail: 'the module has no per-user login' };
  }
  if (connector.sessionFor && !k.driver.loginInputs && !k.driver.onLoginDisplay) {
    return {
      status: 'not_applicable',
      detail: 'logins are optional (the module has sessionFor) and the driver gives no login inputs',
    };
  }
  const flow = k.driver.loginFlow ? ` ${k.driver.loginFlow}` : '';
  await k.text(k.mgmt, `login ${k.id}${flow}`);
  for (let seen = 0; ; seen++) {
    const step = await k.observed.nextStep(seen, k.timeoutMs).catch(async (err: Error) => {
      // Most often the module threw on a submitted value: the bot says why in the room.
      const said = (await k.user.messages(k.mgmt, { limit: 3 })).map((e) => JSON.stringify(e.content.body));
      throw new Error(`${err.message}; the management room last said: ${said.join(' | ')}`);
    });
    if (step.type === 'complete') break;
    if (step.type === 'display_and_wait') {
      await k.driver.onLoginDisplay?.(step.display);
      continue;
    }
    for (const field of step.fields) {
      const value = k.driver.loginInputs?.[field.id];
      if (value === undefined)
        throw new Error(`driver.loginInputs has no value for the login field "${field.id}" (${field.label})`);
      await k.bot(k.mgmt, (b) => b.includes(field.label), `prompt for "${field.label}"`);
      await k.text(k.mgmt, value);
    }
  }
  for (const deadline = Date.now() + k.timeoutMs; ;) {
    const login = (await k.h.bridge.store.logins.list({ network: k.id, userId: k.user.userId }))[0];
    if (login?.state === 'connected') return;
    if (Date.now() > deadline)
      throw new Error(
        login
          ? `the login was stored but is "${login.state}"${login.stateMessage ? `: ${login.stateMessage}` : ''}, not "connected"`
          : 'the login completed but the core stored no login',
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `start-chat` or joining an alias, as the driver says; the portal becomes `k.chat`. */
export async function checkOpenChat(k: KitRun): Promise<Outcome> {
  const open = k.driver.openChat;
  let roomId: string;
  if ('startChat' in open) {
    await k.text(k.mgmt, `start-chat ${k.id} ${open.startChat}`);
    const ready = await k.bot(k.mgmt, (b) => /matrix\.to\/#\/!/.test(b), `the bot's "Chat ready" answer`);
    roomId = /matrix\.to\/#\/(![^\s)]+)/.exec(String(ready.content.body))?.[1] ?? '';
    await k.user.join(roomId);
  } else {
    const alias = `#${k.runtime.ns.aliasPrefix}${open.alias}:${k.h.config.homeserver.domain}`;
    roomId = await k.user.join(alias);
  }
  const portal = await k.h.bridge.store.portals.byRoom(roomId);
  if (!portal) throw new Error(`${roomId} is not a portal of ${k.id}`);
  const login = (await k.h.bridge.store.logins.list({ network: k.id, userId: k.user.userId }))[0];
  k.chat = {
    roomId,
    chat: portal.receiver ? { id: portal.remote_id, receiver: portal.receiver } : { id: portal.remote_id },
    login: login ? { id: login.id, remoteId: login.remoteId } : null,
    userId: k.user.userId,
  };
}
