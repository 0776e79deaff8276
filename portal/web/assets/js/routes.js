// The portal's pages. The server answers each path here with the same HTML
// page (see Pages in the Go package), so a page can be reloaded or
// bookmarked. needs names the permission (from GET /api/v1/auth/me) that a
// page requires; pages with menu: true appear in the menu header.
//
// The API names no permission of its own for closings: 締め処理 needs
// settlements:any, which only operators hold, as closing posts to every
// broker's ledger. The API checks the role on each request regardless.

import { renderAlerts } from './views/alerts.js';
import { renderBatch } from './views/batch.js';
import { renderBatches } from './views/batches.js';
import { renderClosings } from './views/closings.js';
import { renderHistory } from './views/history.js';
import { renderLogin } from './views/login.js';
import { renderSettlement } from './views/settlement.js';
import { renderUsers } from './views/users.js';

export const routes = [
  { path: '/login', title: 'ログイン', view: renderLogin, public: true },
  { path: '/history', title: '取引履歴', view: renderHistory, needs: 'transactions', menu: true },
  { path: '/settlement', title: '清算確認', view: renderSettlement, needs: 'settlements', menu: true },
  { path: '/closings', title: '締め処理', view: renderClosings, needs: 'settlements:any', menu: true },
  { path: '/batches', title: '連携バッチ', view: renderBatches, needs: 'batches', menu: true },
  { path: '/batches/:requestId', title: '連携バッチ詳細', view: renderBatch, needs: 'batches' },
  { path: '/alerts', title: 'アラート', view: renderAlerts, needs: 'alerts', menu: true },
  { path: '/users', title: 'ユーザ管理', view: renderUsers, needs: 'users:manage', menu: true },
];

// matchRoute finds the route for pathname and the values of its :params.
export function matchRoute(pathname) {
  const segments = pathname.split('/');
  for (const route of routes) {
    const params = matchSegments(route.path.split('/'), segments);
    if (params) {
      return { route, params };
    }
  }
  return null;
}

function matchSegments(pattern, segments) {
  if (pattern.length !== segments.length) {
    return null;
  }
  const params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':') && segments[i] !== '') {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(segments[i]);
      } catch {
        return null;
      }
    } else if (pattern[i] !== segments[i]) {
      return null;
    }
  }
  return params;
}
