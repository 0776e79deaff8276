// ユーザー管理: the portal's accounts, changing or disabling one, and
// registering a new one (each with a confirmation step) for system
// administrators.

import { apiGet } from '../api.js';
import { fetchBrokers } from '../components/broker-picker.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { dataTable } from '../components/table.js';
import { el, replace } from '../dom.js';
import { brokerLabel, dateJST } from '../format.js';
import { roleLabel } from '../roles.js';
import { currentUser } from '../session.js';
import { userActions } from './user-actions.js';
import { userForm } from './user-form.js';

const columns = [
  { label: 'ログインID' },
  { label: '権限' },
  { label: '組織' },
  { label: 'メールアドレス' },
  { label: '状態' },
  { label: '登録日' },
  { label: '操作' },
];

// renderUsers draws the list of users and the registration form.
export async function renderUsers({ root }) {
  const list = el('section', { 'aria-labelledby': 'users-title' });
  root.append(list);
  list.append(loadingNotice());

  const me = currentUser();
  const clearingHouse = { id: me.organization_id, name: me.organization_name };
  const brokers = await fetchBrokers();
  const organizations = [clearingHouse, ...brokers];
  const orgName = (id) => {
    const org = organizations.find((o) => o.id === id);
    return brokerLabel(org ? org.name : '', id);
  };
  const ctx = { me, clearingHouse, brokers, orgName };
  const reload = (notice = null) => showUsers(list, ctx, notice);
  ctx.report = reload;

  root.append(el('section', { 'aria-labelledby': 'new-user-title' },
    el('h2', { id: 'new-user-title' }, 'ユーザー登録'),
    userForm({ clearingHouse, brokers, onCreated: reload })));
  await reload();
}

// showUsers (re)draws the list, led by notice (what the last change did)
// when there is one; the notice takes focus so that it is read out.
async function showUsers(list, ctx, notice) {
  const title = el('h2', { id: 'users-title' }, 'ユーザー一覧');
  let data;
  try {
    data = await apiGet('/users');
  } catch (err) {
    replace(list, title, notice, err.handled ? null : errorNotice(err));
    return;
  }
  if (data.items.length === 0) {
    replace(list, title,
      emptyState('ユーザーはまだいません。', '下の「ユーザー登録」から登録してください。'));
    return;
  }
  const { orgName } = ctx;
  const rows = data.items.map((u) => [
    u.login_id,
    roleLabel(u.role),
    orgName(u.organization_id),
    u.email || '—',
    u.disabled ? el('span', { class: 'badge badge-disabled' }, '無効') : '有効',
    dateJST(u.created_at),
    userActions(u, ctx),
  ]);
  replace(list, title, notice,
    dataTable({ caption: `${rows.length}人のユーザー`, columns, rows }));
  if (notice) {
    notice.tabIndex = -1;
    notice.focus();
  }
}
