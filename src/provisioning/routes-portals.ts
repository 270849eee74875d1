import type { Router } from 'express';
import type { PortalRow } from '../store/portal-repo';
import { ApiError } from './api-error';
import { actingUser, callerOf, requireAdmin } from './auth';
import { actorOf, networkOf, param, type ProvisioningDeps } from './deps';
import { jsonBody, requiredString } from './input';
import { networkView, portalView } from './views';

/** Networks, portals (list, link, unlink) and starting chats. */
export function portalRoutes(r: Router, d: ProvisioningDeps): void {
  r.get('/v1/networks', (_req, res) => {
    res.json({ networks: [...d.networks.values()].map(networkView) });
  });

  r.get('/v1/portals', async (req, res) => {
    const caller = callerOf(res);
    const network = typeof req.query.network === 'string' ? networkOf(d, req.query.network).id : undefined;
    let rows: PortalRow[] = await d.store.portals.list(network);
    if (caller.level !== 'admin' || (caller.via === 'shared_secret' && caller.userId)) {
      // A user sees the chats of their own logins and the shared rooms they are in.
      const userId = caller.userId as string;
      const mine = new Set((await d.store.logins.list({ userId })).map((l) => l.id));
      const visible: PortalRow[] = [];
      for (const p of rows) {
        if (
          p.receiver
            ? mine.has(p.receiver)
            : (await d.store.members.get(p.room_id ?? '', userId))?.membership === 'join'
        )
          visible.push(p);
      }
      rows = visible;
    }
    res.json({ portals: rows.map(portalView) });
  });

  r.post('/v1/portals', async (req, res) => {
    const caller = callerOf(res);
    requireAdmin(caller);
    const body = jsonBody(req);
    const net = networkOf(d, requiredString(body, 'network', 64));
    const chatId = requiredString(body, 'chat_id', 1024);
    const room = requiredString(body, 'room', 512);
    // Room ids have no server part since room version 12; aliases always do.
    if (!/^(![^\s]+|#[^:\s]+:\S+)$/.test(room))
      throw new ApiError(400, 'M_INVALID_PARAM', '`room` must be a room id (!abc…) or alias (#name:server)');
    // An admin tool without `user_id` links through the network's shared session, as the bot.
    const actor = caller.userId
      ? await actorOf(d, caller.userId)
      : { userId: d.botUserId, displayName: 'bridge bot' };
    res.status(201).json(portalView(await d.actions.link(net, actor, chatId, room)));
  });

  r.delete('/v1/portals/:room', async (req, res) => {
    requireAdmin(callerOf(res));
    await d.actions.unlink(param(req, 'room'));
    res.status(204).end();
  });

  r.post('/v1/chats', async (req, res) => {
    const caller = callerOf(res);
    const body = jsonBody(req);
    const userId = actingUser(caller, 'user', d.permissions);
    const net = networkOf(d, requiredString(body, 'network', 64));
    const identifier = requiredString(body, 'identifier', 512);
    const { portal, created } = await d.actions.startChat(net, await actorOf(d, userId), identifier);
    res.status(created ? 201 : 200).json({ ...portalView(portal), created });
  });
}
