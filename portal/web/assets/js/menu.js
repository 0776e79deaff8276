// The menu header: the pages the user's role may open, who is signed in,
// and ログアウト.

import { errorNotice } from './components/notice.js';
import { el, on, replace } from './dom.js';
import { navigate } from './navigation.js';
import { roleLabel } from './roles.js';
import { routes } from './routes.js';
import { can, currentUser, logout } from './session.js';

// renderMenu draws the menu for the signed-in user, marking the page at
// pathname as the current one. Nobody signed in: an empty menu.
export function renderMenu(pathname) {
  const menu = document.getElementById('menu');
  const user = currentUser();
  if (!user) {
    replace(menu);
    return;
  }
  const links = routes
    .filter((r) => r.menu && can(r.needs))
    .map((r) => el('li', {}, el('a', {
      href: r.path,
      class: 'menu-link',
      'aria-current': isCurrent(r.path, pathname) ? 'page' : null,
    }, r.title)));
  const logoutButton = el('button', { type: 'button', class: 'menu-logout' }, 'ログアウト');
  on(logoutButton, 'click', () => signOut(logoutButton));
  replace(menu,
    el('ul', { class: 'menu-links' }, links),
    el('p', { class: 'menu-user' }, whoIsSignedIn(user)),
    logoutButton);
}

function isCurrent(path, pathname) {
  return pathname === path || pathname.startsWith(`${path}/`);
}

function whoIsSignedIn(user) {
  const org = user.organization_name || user.organization_id;
  return `${user.login_id}（${org}・${roleLabel(user.role)}）`;
}

async function signOut(button) {
  button.disabled = true;
  try {
    await logout();
    navigate('/login');
  } catch (err) {
    button.disabled = false;
    const heading = document.querySelector('#main h1');
    if (heading) {
      heading.after(errorNotice(err));
    }
  }
}
