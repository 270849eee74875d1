/* global document, window, fetch, sessionStorage, history, location, setTimeout, clearInterval, setInterval, URLSearchParams */
// The bridge's web page: sign in (one-time link or OpenID token), see networks and logins with
// their bridge state, walk a login's steps (forms, a live QR code), log out. It talks only to
// the provisioning API next to it (docs/openapi.yaml); text from the server is always set as
// text, never as HTML.
'use strict';

const STATE_LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  transient_disconnect: 'Reconnecting (temporary disconnect)',
  bad_credentials: 'Bad credentials: log in again',
  logged_out: 'Logged out remotely',
  unknown_error: 'Error',
};
const INPUT_TYPES = { password: 'password', token: 'password', phone: 'tel', url: 'url', text: 'text' };
const TOKEN_KEY = 'switchboard-token';

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(TOKEN_KEY);
let attempt = null; // the login being walked: its id and version
let refresher = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function say(text) {
  $('status').textContent = text;
}

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

async function api(method, path, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && token) signedOut('Your session ended; sign in again.');
  if (!res.ok) throw new Error(data.error || `the bridge answered ${res.status}`);
  return data;
}

function signedOut(message) {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  attempt = null;
  clearInterval(refresher);
  $('who').hidden = true;
  $('networks').hidden = true;
  $('login').hidden = true;
  $('sign-in').hidden = false;
  say(message || '');
}

async function signIn(path, body) {
  showError('');
  try {
    const grant = await api('POST', path, body);
    token = grant.token;
    sessionStorage.setItem(TOKEN_KEY, token);
    await start();
  } catch (err) {
    showError(`Could not sign in: ${err.message}`);
    signedOut();
  }
}

async function start() {
  const me = await api('GET', 'whoami');
  $('who-user').textContent = me.user_id;
  $('who').hidden = false;
  $('sign-in').hidden = true;
  $('networks').hidden = false;
  await refresh();
  clearInterval(refresher);
  // Bridge state changes on its own (a phone going offline): keep the list current.
  refresher = setInterval(() => refresh().catch(() => undefined), 5000);
}

async function refresh() {
  const [{ networks }, { logins }] = await Promise.all([api('GET', 'networks'), api('GET', 'logins')]);
  const list = $('network-list');
  list.replaceChildren(
    ...networks.map((n) =>
      networkCard(
        n,
        logins.filter((l) => l.network === n.id),
      ),
    ),
  );
}

function networkCard(net, logins) {
  const items = logins.map((l) =>
    el(
      'li',
      { 'data-login': l.id },
      `${l.remote_name || l.remote_id}: `,
      el('span', { class: `state state-${l.state}` }, STATE_LABELS[l.state] || l.state),
      l.state_message ? ` (${l.state_message}) ` : ' ',
      el(
        'button',
        { type: 'button', class: 'secondary', onclick: () => logout(net, l) },
        `Log out ${l.remote_name || l.remote_id}`,
      ),
    ),
  );
  const body = [el('h3', {}, net.display_name)];
  body.push(items.length ? el('ul', { class: 'logins' }, ...items) : el('p', {}, 'Not logged in.'));
  if (net.login_flows.length === 0)
    body.push(el('p', { class: 'hint' }, 'No login needed for this network.'));
  for (const flow of net.login_flows) {
    const label =
      net.login_flows.length > 1
        ? `Log in to ${net.display_name} (${flow.name})`
        : `Log in to ${net.display_name}`;
    body.push(el('button', { type: 'button', onclick: () => beginLogin(net, flow) }, label));
  }
  return el('article', { class: 'network', 'data-network': net.id, 'aria-label': net.display_name }, ...body);
}

async function logout(net, login) {
  showError('');
  try {
    await api('DELETE', `logins/${encodeURIComponent(login.id)}`);
    say(`Logged out of ${net.display_name} (${login.remote_name || login.remote_id}).`);
    await refresh();
  } catch (err) {
    showError(`Could not log out: ${err.message}`);
  }
}

async function beginLogin(net, flow) {
  showError('');
  $('login-network').textContent = net.display_name;
  $('login').hidden = false;
  $('login-title').focus();
  try {
    show(await api('POST', 'login-processes', { network: net.id, flow: flow.id }));
  } catch (err) {
    $('login').hidden = true;
    showError(`Could not start the login: ${err.message}`);
  }
}

/** Shows an attempt's state; while a code is displayed, long-polls for the next change. */
function show(a) {
  attempt = a;
  const body = $('login-body');
  if (a.status === 'complete') {
    $('login').hidden = true;
    attempt = null;
    say(`Logged in to ${$('login-network').textContent} as ${a.login.remote_name || a.login.remote_id}.`);
    refresh().catch(() => undefined);
    return;
  }
  if (a.status === 'failed' || a.status === 'cancelled') {
    $('login').hidden = true;
    attempt = null;
    if (a.status === 'failed') showError(`Login failed: ${a.error}`);
    return;
  }
  if (a.step.type === 'user_input') body.replaceChildren(inputForm(a));
  else {
    const d = a.step.display;
    const shown =
      d.kind === 'qr'
        ? el('img', { class: 'qr', src: d.image, alt: `QR code to scan. Its text: ${d.data}` })
        : el('p', { class: 'code' }, el('strong', {}, d.data));
    body.replaceChildren(el('p', {}, a.step.instructions), shown, el('p', { class: 'hint' }, 'Waiting…'));
    void poll(a);
  }
}

async function poll(a) {
  try {
    const next = await api(
      'GET',
      `login-processes/${encodeURIComponent(a.id)}?since=${a.version}&timeout_ms=25000`,
    );
    if (attempt && attempt.id === a.id && next.version !== a.version) show(next);
    else if (attempt && attempt.id === a.id) void poll(a);
  } catch (err) {
    if (attempt && attempt.id === a.id) {
      showError(`Lost track of the login: ${err.message}`);
      setTimeout(() => attempt && attempt.id === a.id && void poll(a), 3000);
    }
  }
}

function inputForm(a) {
  const fields = a.step.fields.map((f) => [
    el('label', { for: `field-${f.id}` }, f.label + (f.optional ? ' (optional)' : '')),
    el('input', {
      id: `field-${f.id}`,
      name: f.id,
      type: INPUT_TYPES[f.type] || 'text',
      autocomplete: 'off',
      ...(f.optional ? {} : { required: '' }),
    }),
  ]);
  const form = el(
    'form',
    {},
    el('p', {}, a.step.instructions),
    ...fields.flat(),
    el('button', { type: 'submit' }, 'Continue'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showError('');
    const values = {};
    for (const f of a.step.fields) values[f.id] = form.elements[f.id].value;
    try {
      show(await api('POST', `login-processes/${encodeURIComponent(a.id)}/submit`, { values }));
    } catch (err) {
      showError(err.message);
    }
  });
  setTimeout(() => form.querySelector('input')?.focus(), 0);
  return form;
}

$('login-cancel').addEventListener('click', async () => {
  const a = attempt;
  attempt = null;
  $('login').hidden = true;
  if (a) await api('DELETE', `login-processes/${encodeURIComponent(a.id)}`).catch(() => undefined);
  say('Login cancelled.');
});

$('sign-out').addEventListener('click', async () => {
  await api('DELETE', 'auth/session').catch(() => undefined);
  signedOut('Signed out.');
});

$('openid-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void signIn('auth/openid', { access_token: $('openid-token').value.trim() });
});

function boot(onLoad) {
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (code) {
    // Out of the address bar and history: the code is spent now anyway.
    history.replaceState(null, '', location.pathname);
    void signIn('auth/link', { code });
  } else if (!onLoad) return;
  else if (token) start().catch(() => signedOut());
  else signedOut();
}

window.addEventListener('DOMContentLoaded', () => boot(true));
// A new link opened in the same tab only changes the fragment: no reload, so listen for it.
window.addEventListener('hashchange', () => boot(false));
