// The signed-in user, as GET /api/v1/auth/me describes them:
// {login_id, role, organization_id, organization_name, csrf_token,
// permissions}. The server checks every request; what is kept here only
// decides which menu entries and screens the portal offers.

import { apiGet, apiPost, setCsrfToken } from './api.js';

let user = null;

// justSignedOut is true from a logout until the login page has said so.
let justSignedOut = false;

// currentUser returns the signed-in user, or null.
export function currentUser() {
  return user;
}

// loadSession asks the API who is signed in; null when nobody is.
export async function loadSession() {
  try {
    remember(await apiGet('/auth/me', {}, { redirectOn401: false }));
  } catch (err) {
    if (err.status !== 401) {
      throw err;
    }
    forget();
  }
  return user;
}

// login signs in. It returns {user} once signed in, or {challenge} when the
// user's address is not verified yet: a one-time code was mailed, and
// verifyCode finishes the login with it. It throws the API's error when
// the credentials are refused.
export async function login(loginId, password) {
  const body = { login_id: loginId, password };
  const data = await apiPost('/auth/login', body, { redirectOn401: false });
  if (data && data.verification_required) {
    return { challenge: data.challenge };
  }
  remember(data);
  return { user };
}

// verifyCode sends the one-time code mailed for challenge and, when it is
// right, signs in and returns the user.
export async function verifyCode(challenge, code) {
  const body = { challenge, code };
  remember(await apiPost('/auth/verify', body, { redirectOn401: false }));
  return user;
}

// logout ends the session on the server and then forgets it here. When the
// server cannot be reached the session is kept, so the user can try again.
export async function logout() {
  await apiPost('/auth/logout', {}, { redirectOn401: false });
  forget();
  justSignedOut = true;
}

// signedOut reports, once, whether the user has just logged out, so that
// the login page can confirm it; a session that merely expired is not.
export function signedOut() {
  const was = justSignedOut;
  justSignedOut = false;
  return was;
}

// forget drops the session, for example after the API answered 401.
export function forget() {
  user = null;
  setCsrfToken('');
}

// can reports whether the user holds permission. A permission without a
// scope, such as "transactions", matches any scope ("transactions:own",
// "transactions:any").
export function can(permission) {
  if (!user) {
    return false;
  }
  return user.permissions.some(
    (held) => held === permission || held.startsWith(`${permission}:`),
  );
}

// isOperator reports whether the user works for the clearing house and so
// may choose whose data to see.
export function isOperator() {
  return user !== null && user.role === 'operator';
}

function remember(me) {
  user = { ...me, permissions: me.permissions || [] };
  setCsrfToken(me.csrf_token);
}
