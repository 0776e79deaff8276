// Paths within the portal: return paths after login and links with queries.
// Pure functions: the origin is passed in, so they are easy to test.

// safeReturnPath returns raw when it is a path on this site that a user may
// be sent back to after signing in, or "" otherwise. Addresses with a
// scheme ("https:", "javascript:"), protocol-relative ones ("//elsewhere"),
// backslash tricks ("/\elsewhere") and the API are all refused, so the
// login page cannot be used to send users to another site.
export function safeReturnPath(raw, origin) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//')) {
    return '';
  }
  // Browsers read "\" as "/" and drop tabs and newlines inside URLs.
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) {
    return '';
  }
  let url;
  try {
    url = new URL(raw, origin);
  } catch {
    return '';
  }
  if (url.origin !== origin || url.pathname === '/login' || url.pathname.startsWith('/api/')) {
    return '';
  }
  return url.pathname + url.search + url.hash;
}

// loginPath is the login page that returns to next once signed in.
export function loginPath(next) {
  return next ? withQuery('/login', { next }) : '/login';
}

// withQuery appends the non-empty values of params to path as a query.
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== '' && value !== null && value !== undefined) {
      query.set(name, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// batchPath is the portal page of one contract batch.
export function batchPath(requestId) {
  return `/batches/${encodeURIComponent(requestId)}`;
}

// webAddress returns raw as a link target when it is a web address
// (http or https), or "" otherwise, so that a value from the API can never
// become a javascript: or data: link.
export function webAddress(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return '';
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
}

// settlementPath is the 清算確認 page of a broker ("" for none chosen).
export function settlementPath(brokerId) {
  return withQuery('/settlement', { broker_id: brokerId });
}

// recordPath is the portal page of one record under list ("/invoices"),
// with an optional sub-page: recordPath('/invoices', 'inv_1', 'edit') is
// /invoices/inv_1/edit.
export function recordPath(list, id, sub = '') {
  const path = `${list}/${encodeURIComponent(id)}`;
  return sub ? `${path}/${sub}` : path;
}
