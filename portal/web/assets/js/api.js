// Calling the clearing house's JSON API.
//
// Every request goes to the same origin with the session cookie. Requests
// that change something carry the session's CSRF token and a JSON body.
// A 401 means the session is gone: the handler set with onUnauthorized
// sends the user to the login page.

const apiBase = '/api/v1';

let csrfToken = '';
let unauthorizedHandler = () => {};

// ApiError is a failed API call. code is the API's error code ("network"
// when the server could not be reached); details is what the API adds, such
// as the fields a form got wrong; handled is true once the failure has been
// dealt with (the user was sent to the login page).
export class ApiError extends Error {
  constructor(status, code, message, requestId = '', details = null) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
    this.handled = false;
  }
}

// setCsrfToken remembers the token that state-changing requests send.
export function setCsrfToken(token) {
  csrfToken = token || '';
}

// onUnauthorized sets what happens when the API answers 401.
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// apiGet reads path with the query's non-empty values.
export function apiGet(path, query = {}, options = {}) {
  return request('GET', path, { ...options, query });
}

// apiPost sends body as JSON to path. options.headers adds request headers,
// such as Idempotency-Key.
export function apiPost(path, body = {}, options = {}) {
  return request('POST', path, { ...options, body });
}

// apiPatch sends body as JSON to path to change part of a record.
export function apiPatch(path, body = {}, options = {}) {
  return request('PATCH', path, { ...options, body });
}

// apiHref is the address of an API path, for links such as PDF downloads.
export function apiHref(path) {
  return apiBase + path;
}

// newIdempotencyKey returns a random key for the Idempotency-Key header.
// A form makes one per submission and sends it again on a retry, so that
// the server records the submission once however often it arrives.
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `portal-${hex}`;
}

// request performs one call and returns the decoded JSON (null for 204).
// options.redirectOn401 = false leaves a 401 to the caller (the login form).
async function request(method, path, options = {}) {
  const { query = {}, body, headers = {}, redirectOn401 = true } = options;
  const init = {
    method, headers: { ...headers, Accept: 'application/json' }, credentials: 'same-origin',
  };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-CSRF-Token'] = csrfToken;
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(apiURL(path, query), init);
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }

  const data = await readJSON(response);
  if (response.ok) {
    return data;
  }
  const error = toApiError(response.status, data);
  if (response.status === 401 && redirectOn401) {
    error.handled = true;
    unauthorizedHandler();
  }
  throw error;
}

function apiURL(path, query) {
  const url = new URL(apiBase + path, window.location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== '' && value !== null && value !== undefined) {
      url.searchParams.set(name, String(value));
    }
  }
  return url;
}

async function readJSON(response) {
  if (response.status === 204) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function toApiError(status, data) {
  const detail = data && data.error ? data.error : {};
  const code = detail.code || `http_${status}`;
  return new ApiError(status, code, detail.message || '', detail.request_id || '',
    detail.details || null);
}
