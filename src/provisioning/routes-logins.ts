import type { Router } from 'express';
import type { LoginAttempt } from '../logins/login-sessions';
import { ApiError } from './api-error';
import { actingUser, callerOf, mayAccess, type Caller } from './auth';
import { actorOf, networkOf, param, type ProvisioningDeps } from './deps';
import { intQuery, jsonBody, requiredString, stringField, stringMap } from './input';
import { attemptView, loginView } from './views';

/** Longest a `GET /login-processes/{id}?since=` waits for a change (under proxies' 60 s timeouts). */
const MAX_WAIT_MS = 30_000;

/**
 * Logins: start a login and walk its steps (the `LoginSessions` step machine the management
 * room uses too), list logins with their bridge state, log out.
 */
export function loginRoutes(r: Router, d: ProvisioningDeps): void {
  const attemptFor = (caller: Caller, id: string): LoginAttempt => {
    const a = d.sessions.get(id);
    // Someone else's attempt looks exactly like a missing one.
    if (!a || !mayAccess(caller, a.user.userId))
      throw new ApiError(404, 'M_NOT_FOUND', `no login process ${id}`);
    return a;
  };

  r.post('/v1/login-processes', async (req, res) => {
    const caller = callerOf(res);
    const body = jsonBody(req);
    const userId = actingUser(caller, 'user', d.permissions);
    const net = networkOf(d, requiredString(body, 'network', 64));
    const flow = stringField(body, 'flow', { optional: true, max: 64 });
    const attempt = await d.sessions.start(net, await actorOf(d, userId), flow);
    res.status(201).json(await attemptView(attempt, d.networks));
  });

  r.get('/v1/login-processes/:id', async (req, res) => {
    const caller = callerOf(res);
    const a = attemptFor(caller, param(req, 'id'));
    const since = req.query.since === undefined ? null : intQuery(req, 'since', 0, Number.MAX_SAFE_INTEGER);
    const wait = intQuery(req, 'timeout_ms', 20_000, MAX_WAIT_MS);
    const latest = since === null ? a : ((await d.sessions.changed(a.id, since, wait)) ?? a);
    res.json(await attemptView(latest, d.networks));
  });

  r.post('/v1/login-processes/:id/submit', async (req, res) => {
    const caller = callerOf(res);
    const a = attemptFor(caller, param(req, 'id'));
    const values = stringMap(jsonBody(req), 'values');
    if (a.status !== 'input')
      throw new ApiError(409, 'SB_WRONG_STEP', `this login is ${a.status}, not waiting for input`);
    res.json(await attemptView(await d.sessions.submit(a.id, values), d.networks));
  });

  r.delete('/v1/login-processes/:id', async (req, res) => {
    const a = attemptFor(callerOf(res), param(req, 'id'));
    await d.sessions.cancel(a.id);
    res.status(204).end();
  });

  r.get('/v1/logins', async (req, res) => {
    const caller = callerOf(res);
    const network = typeof req.query.network === 'string' ? networkOf(d, req.query.network).id : undefined;
    // The shared secret without `user_id` is an admin tool looking at everyone.
    const userId = caller.via === 'shared_secret' ? (caller.userId ?? undefined) : (caller.userId as string);
    const rows = await d.store.logins.list({
      ...(network ? { network } : {}),
      ...(userId ? { userId } : {}),
    });
    res.json({ logins: rows.map((l) => loginView(l, d.networks)) });
  });

  r.delete('/v1/logins/:id', async (req, res) => {
    const caller = callerOf(res);
    const id = param(req, 'id');
    const login = await d.store.logins.get(id);
    if (!login || !mayAccess(caller, login.userId)) throw new ApiError(404, 'M_NOT_FOUND', `no login ${id}`);
    await d.logins.logout(login.id);
    res.status(204).end();
  });
}
