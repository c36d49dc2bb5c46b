import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { formFields } from '../fixtures/http-browser.ts';
import type { TestServer } from '../fixtures/server.ts';
import { createTestTenant } from '../fixtures/tenants.ts';
import type { createWire } from './wire.ts';

/**
 * The state the fuzzer aims at: tenants with apps and users, and live OIDC interactions whose
 * journeys stand at every step (email, password, reset code, new password, sign-up email, code,
 * details, passcode), so random input with a valid flow, CSRF token and cookie reaches the core
 * instead of stopping at "expired". Built over HTTP like a browser, from its own source addresses.
 */

type Wire = ReturnType<typeof createWire>;

export interface FlowRef {
  id: string;
  csrf: string;
}

/** One browser in the middle of an OIDC interaction, holding the cookies and flows of its journeys. */
export interface Context {
  tenant: string;
  uid: string;
  /** `/{tenant}/interaction/{uid}` */
  base: string;
  cookies: string[];
  flows: Partial<Record<'signIn' | 'signUp' | 'reset' | 'passcode', FlowRef>>;
}

export interface FuzzTenant {
  name: string;
  publicApp: { id: string; redirectUri: string };
  confidentialApp: { id: string; secret: string; redirectUri: string };
  passcodeAppId: string;
  emails: string[];
  /** Tokens of one real sign-in (so userinfo, refresh, revoke and logout see valid input too). */
  tokens: { access: string; refresh: string; id: string };
  /** The cookies of that signed-in browser (its OIDC session). */
  sessionCookies: string[];
}

export interface World {
  tenants: FuzzTenant[];
  contexts: Context[];
  /** Every flow id handed out, to swap between journeys and contexts. */
  flowIds: string[];
  uids: string[];
  /** Requests the set-up sent (not counted as generated ones). */
  setupRequests: number;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** A cookie-keeping visitor from one source address. */
function visitor(wire: Wire, from: string) {
  const jar = new Map<string, string>();
  let requests = 0;
  async function go(method: string, path: string, form?: Record<string, string>) {
    requests++;
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const outcome = await wire.send({ method, path, headers, from, body: form ? Buffer.from(new URLSearchParams(form).toString()) : undefined });
    assert.ok(outcome.ok, `set-up ${method} ${path}: ${outcome.ok ? '' : outcome.error}`);
    const { response } = outcome;
    for (const line of response.headers['set-cookie'] ?? []) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || eq === pair.length - 1) jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = response.headers.location;
    const html = response.body.toString('utf8');
    return {
      status: response.status,
      location: location ? new URL(location, 'http://x').pathname + new URL(location, 'http://x').search : undefined,
      html,
      absolute: location,
    };
  }
  return {
    jar,
    get requests() {
      return requests;
    },
    get: (path: string) => go('GET', path),
    post: (path: string, form: Record<string, string>) => go('POST', path, form),
    /** GETs `path` and follows same-server redirects; returns the last answer (its `absolute` location if it left). */
    async follow(path: string) {
      let answer = await go('GET', path);
      for (let hops = 0; hops < 8 && answer.status >= 300 && answer.status < 400 && answer.absolute; hops++) {
        if (/^https?:/.test(answer.absolute) && !answer.absolute.includes('/interaction/') && !answer.absolute.includes('/oauth2/')) return answer;
        answer = await go('GET', answer.location ?? '/');
      }
      return answer;
    },
  };
}

/** Waits for the dev mailbox to hold a mail to `to` and returns the code in its subject. */
async function mailedCode(server: TestServer, to: string): Promise<string> {
  const mailbox = server.latchkey.mail.devMailbox;
  assert.ok(mailbox, 'the fuzz server runs with the dev mailbox');
  const deadline = Date.now() + 5000;
  for (;;) {
    server.latchkey.mail.nudge();
    const mail = mailbox.list().find((m) => m.to.toLowerCase() === to.toLowerCase());
    const code = mail?.subject.match(/^(\d{6,10})\b/)?.[1];
    if (code) return code;
    assert.ok(Date.now() < deadline, `no code mailed to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface WorldOptions {
  tenants: number;
  /** Interactions per tenant for the default (password) app; a third as many for the passcode app. */
  contextsPerTenant: number;
}

/** Builds tenants, users, tokens and interactions in every journey state. */
export async function buildWorld(server: TestServer, wire: Wire, options: WorldOptions): Promise<World> {
  const world: World = { tenants: [], contexts: [], flowIds: [], uids: [], setupRequests: 0 };
  const { services } = server.latchkey;
  let address = 0;
  const nextVisitor = () => {
    address++;
    return visitor(wire, `127.1.0.${(address % 40) + 1}`);
  };
  const visitors: Array<ReturnType<typeof visitor>> = [];
  const fresh = () => {
    const v = nextVisitor();
    visitors.push(v);
    return v;
  };

  for (let t = 0; t < options.tenants; t++) {
    const tt = await createTestTenant(server, { name: `fuzz-${t}-${randomBytes(3).toString('hex')}` });
    const tenantId = tt.tenant.id;
    const confidential = await services.apps.create({
      tenantId,
      name: 'Fuzz web app',
      type: 'confidential',
      redirectUris: [tt.redirectUri],
      postLogoutRedirectUris: ['http://127.0.0.1:5173/signed-out'],
    });
    const userFlow = await services.userFlows.create({ tenantId, name: 'Passwordless', methods: ['email_otp'] });
    const passcodeApp = await services.apps.create({
      tenantId,
      name: 'Fuzz passcode app',
      type: 'public',
      redirectUris: [tt.redirectUri],
      userFlowId: userFlow.id,
    });
    const emails = [tt.user.email];
    for (let u = 0; u < 4; u++) {
      const user = await services.users.create({ tenantId, email: `fuzz-${u}@example.com`, password: `Quartz lantern ${u} orbit`, emailVerified: true });
      emails.push(user.email);
    }
    const name = tt.tenant.name;

    /** Starts an interaction for `clientId` and opens its first page. */
    const begin = async (clientId: string, v = fresh()) => {
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: tt.redirectUri,
        response_type: 'code',
        scope: 'openid profile email offline_access',
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
        state: randomBytes(8).toString('base64url'),
        nonce: randomBytes(8).toString('base64url'),
      });
      const start = await v.get(`/${name}/oauth2/v2.0/authorize?${query}`);
      assert.equal(start.status, 303, `authorize: ${start.html.slice(0, 200)}`);
      const base = start.location ?? '';
      const uid = base.split('/').pop() ?? '';
      const page = await v.get(base);
      const fields = formFields(page.html);
      const context: Context = { tenant: name, uid, base, cookies: [], flows: { signIn: { id: fields.flow, csrf: fields.csrf } } };
      return { v, context, verifier };
    };
    const flowAt = async (v: ReturnType<typeof visitor>, location: string | undefined): Promise<FlowRef> => {
      const page = await v.get(location ?? '/');
      const fields = formFields(page.html);
      assert.ok(fields.flow && fields.csrf, `no form at ${location}: ${page.status} ${page.html.slice(0, 200)}`);
      return { id: fields.flow, csrf: fields.csrf };
    };

    // One real sign-in, for valid tokens.
    const signedIn = await begin(tt.app.id);
    const signInFlow = signedIn.context.flows.signIn as FlowRef;
    await signedIn.v.post(`${signedIn.context.base}/email`, { flow: signInFlow.id, csrf: signInFlow.csrf, email: tt.user.email });
    const done = await signedIn.v.post(`${signedIn.context.base}/password`, { flow: signInFlow.id, csrf: signInFlow.csrf, password: tt.password });
    const callback = await signedIn.v.follow(done.location ?? '/');
    const code = new URL(callback.absolute ?? 'http://x/').searchParams.get('code');
    assert.ok(code, `the set-up sign-in did not reach the app: ${callback.status} ${callback.absolute}`);
    const tokenAnswer = await signedIn.v.post(`/${name}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      code,
      code_verifier: signedIn.verifier,
      redirect_uri: tt.redirectUri,
      client_id: tt.app.id,
    });
    const tokens = JSON.parse(tokenAnswer.html) as { access_token: string; refresh_token: string; id_token: string };
    assert.ok(tokens.access_token && tokens.refresh_token && tokens.id_token, tokenAnswer.html);

    world.tenants.push({
      name,
      publicApp: { id: tt.app.id, redirectUri: tt.redirectUri },
      confidentialApp: { id: confidential.app.id, secret: confidential.clientSecret ?? '', redirectUri: tt.redirectUri },
      passcodeAppId: passcodeApp.app.id,
      emails,
      tokens: { access: tokens.access_token, refresh: tokens.refresh_token, id: tokens.id_token },
      sessionCookies: [...signedIn.v.jar].filter(([k]) => k.startsWith('lk_session')).map(([k, value]) => `${k}=${value}`),
    });

    for (let c = 0; c < options.contextsPerTenant; c++) {
      const { v, context } = await begin(tt.app.id);
      const signIn = context.flows.signIn as FlowRef;
      const signUpPage = await v.get(`${context.base}/sign-up`);
      const signUp = formFields(signUpPage.html);
      context.flows.signUp = { id: signUp.flow, csrf: signUp.csrf };
      const variant = c % 4;
      if (variant === 1 || variant === 2) {
        // Reset at "Enter code" (unknown address) or at "New password" (a real user, code from the mailbox).
        const target = variant === 2 ? (emails[1 + (c % 4)] ?? tt.user.email) : `nobody-${c}@example.com`;
        await v.post(`${context.base}/email`, { flow: signIn.id, csrf: signIn.csrf, email: target });
        const forgot = await v.post(`${context.base}/forgot`, { flow: signIn.id, csrf: signIn.csrf });
        context.flows.reset = await flowAt(v, forgot.location);
        if (variant === 2) {
          const reset = context.flows.reset;
          await v.post(`${context.base}/reset/code`, { flow: reset.id, csrf: reset.csrf, code: await mailedCode(server, target) });
        }
      }
      if (variant === 3) {
        // Sign-up at "details": a new address, verified with the mailed code.
        const address = `new-${t}-${c}-${randomBytes(3).toString('hex')}@example.com`;
        const sent = await v.post(`${context.base}/sign-up/email`, { flow: signUp.flow, csrf: signUp.csrf, email: address });
        assert.equal(sent.status, 303);
        await v.post(`${context.base}/sign-up/code`, { flow: signUp.flow, csrf: signUp.csrf, code: await mailedCode(server, address) });
      }
      context.cookies = [...v.jar].map(([k, value]) => `${k}=${value}`);
      world.contexts.push(context);
    }
    for (let c = 0; c < Math.ceil(options.contextsPerTenant / 3); c++) {
      const { v, context } = await begin(passcodeApp.app.id);
      const signIn = context.flows.signIn as FlowRef;
      const target = c % 2 ? `ghost-${c}@example.com` : (emails[c % emails.length] ?? tt.user.email);
      const sent = await v.post(`${context.base}/email`, { flow: signIn.id, csrf: signIn.csrf, email: target });
      context.flows.passcode = await flowAt(v, sent.location);
      context.cookies = [...v.jar].map(([k, value]) => `${k}=${value}`);
      world.contexts.push(context);
    }
  }
  for (const context of world.contexts) {
    world.uids.push(context.uid);
    for (const flow of Object.values(context.flows)) if (flow?.id) world.flowIds.push(flow.id);
  }
  world.setupRequests = visitors.reduce((sum, v) => sum + v.requests, 0);
  return world;
}
