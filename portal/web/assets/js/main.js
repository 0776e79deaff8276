// The portal's entry point: find out who is signed in, then draw the page.

import { onUnauthorized } from './api.js';
import { el, on, replace } from './dom.js';
import { errorNotice } from './components/notice.js';
import { currentPath, navigate } from './navigation.js';
import { loginPath } from './paths.js';
import { startRouter } from './router.js';
import { forget, loadSession } from './session.js';

// A 401 from any call means the session ended (expired or signed out in
// another tab): go to the login page, which returns here afterwards.
onUnauthorized(() => {
  forget();
  const here = currentPath();
  navigate(here.startsWith('/login') ? '/login' : loginPath(here), { replace: true });
});

async function boot() {
  try {
    await loadSession();
  } catch (err) {
    showBootFailure(err);
    return;
  }
  startRouter();
}

function showBootFailure(err) {
  const retry = el('button', { type: 'button', class: 'button' }, '再読み込み');
  on(retry, 'click', () => window.location.reload());
  replace(document.getElementById('main'),
    el('h1', { class: 'page-title' }, 'ポータルを開けませんでした'),
    errorNotice(err),
    el('p', {}, retry));
}

boot();
