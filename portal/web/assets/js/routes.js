// The portal's pages. The server answers each path here with the same HTML
// page (see Pages in the Go package), so a page can be reloaded or
// bookmarked. needs names the permission (from GET /api/v1/auth/me) that a
// page requires; pages with menu: true appear in the menu header, in this
// order. A path with a fixed segment (/invoices/new) comes before the same
// path with a parameter (/invoices/:id), which would match it too.
//
// The API names no permission of its own for some screens, so they need
// the nearest one it does name; the API checks the role on each request
// regardless:
//   - 締め処理 needs settlements:any, which only operators hold, as closing
//     posts to every broker's ledger;
//   - 請求管理 and 支払管理 need settlements (brokers read their own bills,
//     which end in their ledger); registering and changing them needs
//     settlements:any, as only operators do it;
//   - 取引先管理 needs organizations:manage, as counterparties are the
//     broker organisations;
//   - 送信メール needs alerts, the operators' other operational view.

import { renderAlerts } from './views/alerts.js';
import { renderBatch } from './views/batch.js';
import { renderBatches } from './views/batches.js';
import { billDetail } from './views/bill-detail.js';
import { invoiceKind, paymentKind } from './views/bill-kinds.js';
import { billList } from './views/bill-list.js';
import { billRegister, billUpdate } from './views/bill-register.js';
import { renderClosings } from './views/closings.js';
import { renderCounterparties } from './views/counterparties.js';
import { renderCounterparty } from './views/counterparty-detail.js';
import {
  renderCounterpartyRegister, renderCounterpartyUpdate,
} from './views/counterparty-register.js';
import { renderHistory } from './views/history.js';
import { renderLogin } from './views/login.js';
import { renderMails } from './views/mails.js';
import { renderPaymentStatement } from './views/payment-statement.js';
import { renderSettlement } from './views/settlement.js';
import { renderUsers } from './views/users.js';

const bills = 'settlements';
const billsManage = 'settlements:any';
const registry = 'organizations:manage';

export const routes = [
  { path: '/login', title: 'ログイン', view: renderLogin, public: true },
  { path: '/history', title: '取引履歴', view: renderHistory, needs: 'transactions', menu: true },
  { path: '/settlement', title: '清算確認', view: renderSettlement, needs: 'settlements', menu: true },

  { path: '/invoices', title: '請求管理', view: billList(invoiceKind), needs: bills, menu: true },
  { path: '/invoices/new', title: '請求書登録', view: billRegister(invoiceKind), needs: billsManage },
  { path: '/invoices/:id', title: '請求書詳細', view: billDetail(invoiceKind), needs: bills },
  { path: '/invoices/:id/edit', title: '請求書更新', view: billUpdate(invoiceKind), needs: billsManage },

  { path: '/payments', title: '支払管理', view: billList(paymentKind), needs: bills, menu: true },
  { path: '/payments/new', title: '支払登録', view: billRegister(paymentKind), needs: billsManage },
  { path: '/payments/:id', title: '支払詳細', view: billDetail(paymentKind), needs: bills },
  { path: '/payments/:id/edit', title: '支払更新', view: billUpdate(paymentKind), needs: billsManage },
  {
    path: '/payments/:id/statement', title: '支払明細書登録', view: renderPaymentStatement,
    needs: billsManage,
  },

  {
    path: '/counterparties', title: '取引先管理', view: renderCounterparties, needs: registry,
    menu: true,
  },
  {
    path: '/counterparties/new', title: '取引先登録', view: renderCounterpartyRegister,
    needs: registry,
  },
  { path: '/counterparties/:id', title: '取引先詳細', view: renderCounterparty, needs: registry },
  {
    path: '/counterparties/:id/edit', title: '取引先更新', view: renderCounterpartyUpdate,
    needs: registry,
  },

  { path: '/closings', title: '締め処理', view: renderClosings, needs: 'settlements:any', menu: true },
  { path: '/batches', title: '連携バッチ', view: renderBatches, needs: 'batches', menu: true },
  { path: '/batches/:requestId', title: '連携バッチ詳細', view: renderBatch, needs: 'batches' },
  { path: '/alerts', title: 'アラート', view: renderAlerts, needs: 'alerts', menu: true },
  { path: '/mails', title: '送信メール', view: renderMails, needs: 'alerts', menu: true },
  { path: '/users', title: 'ユーザー管理', view: renderUsers, needs: 'users:manage', menu: true },
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
