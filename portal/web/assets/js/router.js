// Drawing the page for the current URL: who may see it, its heading, the
// menu and the view.

import { el, replace } from './dom.js';
import { focusHeading, trackInputKind } from './focus.js';
import { errorNotice, emptyState } from './components/notice.js';
import { renderMenu } from './menu.js';
import { currentPath, navigate, setRenderer } from './navigation.js';
import { loginPath, safeReturnPath } from './paths.js';
import { matchRoute, routes } from './routes.js';
import { can, currentUser } from './session.js';

const siteName = '清算機関ポータル';

const notFound = {
  title: 'ページが見つかりません',
  view: ({ root }) => root.append(emptyState('このアドレスのページはありません。',
    '上のメニューから画面を選んでください。')),
};

const forbidden = {
  title: '表示できません',
  view: ({ root }) => root.append(emptyState('この画面を表示する権限がありません。',
    '上のメニューから画面を選んでください。')),
};

const noScreens = {
  title: '利用できる画面がありません',
  view: ({ root }) => root.append(emptyState('このアカウントで利用できる画面がありません。',
    'システム管理者に権限を確認してください。')),
};

// startRouter draws the current page and follows links and the browser's
// back and forward buttons from then on.
export function startRouter() {
  trackInputKind();
  setRenderer(render);
  window.addEventListener('popstate', () => render({ focus: true }));
  document.addEventListener('click', followLink);
  render({ focus: false });
}

// homePath is the first page of the menu the user may see, or "".
export function homePath() {
  const home = routes.find((r) => r.menu && can(r.needs));
  return home ? home.path : '';
}

// followLink shows a local page without reloading. Links that open a new
// tab, download, point elsewhere or jump within the page are left to the
// browser.
function followLink(event) {
  const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
  if (event.defaultPrevented || event.button !== 0 || modified) {
    return;
  }
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) {
    return;
  }
  const url = new URL(link.href);
  const here = window.location;
  const local = url.origin === here.origin && !/^\/(api|assets)\//.test(url.pathname);
  const inPage = url.pathname === here.pathname && url.search === here.search && url.hash;
  if (!local || inPage) {
    return;
  }
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

// decide picks what to show at url: a page, or a redirect.
function decide(url) {
  const user = currentUser();
  const home = homePath();
  if (url.pathname === '/') {
    if (!user) {
      return { redirect: '/login' };
    }
    return home ? { redirect: home } : { route: noScreens, params: {} };
  }
  const match = matchRoute(url.pathname);
  if (!match) {
    return { route: notFound, params: {} };
  }
  if (match.route.public) {
    const back = safeReturnPath(url.searchParams.get('next'), window.location.origin);
    return user ? { redirect: back || '/' } : match;
  }
  if (!user) {
    return { redirect: loginPath(currentPath()) };
  }
  if (match.route.needs && !can(match.route.needs)) {
    return { route: forbidden, params: {} };
  }
  return match;
}

async function render({ focus }) {
  const url = new URL(window.location.href);
  const { redirect, route, params } = decide(url);
  if (redirect) {
    navigate(redirect, { replace: true });
    return;
  }

  const main = document.getElementById('main');
  const heading = el('h1', { class: 'page-title', tabindex: '-1' }, route.title);
  const root = el('div', { class: 'page-body' });
  replace(main, heading, root);
  document.title = `${route.title}｜${siteName}`;
  renderMenu(url.pathname);
  if (focus) {
    focusHeading(heading);
  }

  // setTitle renames the page for a step within it (a confirmation, say).
  const setTitle = (title) => {
    heading.textContent = title;
    document.title = `${title}｜${siteName}`;
    focusHeading(heading);
  };
  try {
    await route.view({ root, params, query: url.searchParams, user: currentUser(), setTitle });
  } catch (err) {
    if (!err.handled) {
      root.append(errorNotice(err));
    }
  }
}
