// ユーザ管理: the portal's accounts, and registering a new one (with a
// confirmation step) for system administrators.

import { apiGet } from '../api.js';
import { fetchBrokers } from '../components/broker-picker.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { dataTable } from '../components/table.js';
import { el, replace } from '../dom.js';
import { brokerLabel, dateJST } from '../format.js';
import { roleLabel } from '../roles.js';
import { currentUser } from '../session.js';
import { userForm } from './user-form.js';

const columns = [
  { label: 'ログインID' },
  { label: '権限' },
  { label: '組織' },
  { label: 'メールアドレス' },
  { label: '状態' },
  { label: '登録日' },
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
  const reload = () => showUsers(list, organizations);

  root.append(el('section', { 'aria-labelledby': 'new-user-title' },
    el('h2', { id: 'new-user-title' }, 'ユーザ登録'),
    userForm({ clearingHouse, brokers, onCreated: reload })));
  await reload();
}

async function showUsers(list, organizations) {
  const title = el('h2', { id: 'users-title' }, 'ユーザ一覧');
  let data;
  try {
    data = await apiGet('/users');
  } catch (err) {
    replace(list, title, err.handled ? null : errorNotice(err));
    return;
  }
  if (data.items.length === 0) {
    replace(list, title, emptyState('ユーザはまだいません。', '下の「ユーザ登録」から登録してください。'));
    return;
  }
  const orgName = (id) => {
    const org = organizations.find((o) => o.id === id);
    return brokerLabel(org ? org.name : '', id);
  };
  const rows = data.items.map((u) => [
    u.login_id,
    roleLabel(u.role),
    orgName(u.organization_id),
    u.email || '—',
    u.disabled ? el('span', { class: 'badge badge-disabled' }, '無効') : '有効',
    dateJST(u.created_at),
  ]);
  replace(list, title, dataTable({ caption: `${rows.length}人のユーザ`, columns, rows }));
}
