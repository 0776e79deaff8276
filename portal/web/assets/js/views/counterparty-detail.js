// 取引先詳細: one counterparty's details, 更新, 無効化 / 有効化 (each after a
// confirmation) and its change history — who changed what, when, before
// and after.

import { apiGet, apiPost } from '../api.js';
import { changeHistory } from '../components/change-history.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { emptyState, errorNotice, loadingNotice, successNotice } from '../components/notice.js';
import { details } from '../components/table.js';
import { el, on, replace } from '../dom.js';
import { dateTimeJST } from '../format.js';
import { actorName } from '../audit.js';
import { recordPath } from '../paths.js';
import { accountTypeLabel, counterpartyFields } from './counterparty-fields.js';
import { activeBadge } from './counterparty-status.js';

const actionNames = { create: '登録', update: '更新', deactivate: '無効化', activate: '有効化' };

// historyFields compare every field, and whether the counterparty is active.
const historyFields = [
  { label: '状態', value: (r) => (r.active ? '有効' : '無効') },
  ...counterpartyFields.filter((s) => s.name !== 'id').map((s) => ({
    label: s.label,
    value: (r) => (s.name === 'account_type' ? accountTypeLabel(r[s.name]) : r[s.name]),
  })),
];

// renderCounterparty draws the counterparty named in the URL.
export async function renderCounterparty({ root, params }) {
  const body = el('div', {});
  root.append(el('p', {}, el('a', { href: '/counterparties' }, '取引先管理へ戻る')), body);
  await show(body, params.id, null);
}

async function show(body, id, notice) {
  replace(body, notice, loadingNotice());
  let data;
  try {
    data = await apiGet(`/counterparties/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.code === 'not_found') {
      replace(body, emptyState(`取引先ID「${id}」の取引先はありません。`, '一覧から選び直してください。'));
    } else if (!err.handled) {
      replace(body, notice, errorNotice(err));
    }
    return;
  }
  const c = data.counterparty;
  const reload = (done) => show(body, id, done);
  replace(body, notice, details(pairs(c)), actions(c, reload),
    changeHistory(data.history, { fields: historyFields, actions: actionNames }));
  if (notice) {
    notice.tabIndex = -1;
    notice.focus();
  }
}

function pairs(c) {
  const shown = counterpartyFields.map((s) => [s.label,
    s.name === 'account_type' ? accountTypeLabel(c[s.name]) : c[s.name]]);
  return [
    ...shown.slice(0, 2),
    ['状態', activeBadge(c.active)],
    ...shown.slice(2),
    ['更新日時', dateTimeJST(c.updated_at)],
    ['更新者', c.updated_by ? actorName(c.updated_by) : ''],
  ];
}

function actions(c, reload) {
  const status = el('div', { class: 'action-status' });
  const toggle = el('button', {
    type: 'button', class: c.active ? 'button button-danger' : 'button button-primary',
    'data-action': c.active ? 'deactivate' : 'activate',
  }, c.active ? '無効にする' : '有効にする');
  on(toggle, 'click', () => setActive(c, !c.active, { toggle, status, reload }));
  return el('section', { class: 'panel panel-form', 'aria-labelledby': 'actions-title' },
    el('h2', { id: 'actions-title' }, '操作'),
    el('div', { class: 'button-row' },
      el('a', { href: recordPath('/counterparties', c.id, 'edit'), class: 'button',
        id: 'update-link' }, '更新'),
      toggle),
    status);
}

async function setActive(c, active, { toggle, status, reload }) {
  const confirmed = await confirmDialog({
    title: active ? 'この取引先を有効にしますか？' : 'この取引先を無効にしますか？',
    body: [
      details([['取引先ID', c.id], ['名称', c.name]]),
      el('p', {}, active
        ? '有効にすると、このデータブローカーの約定を再び受け付けます。'
        : '無効にすると、このデータブローカーの新しい約定は受け付けません。'
          + 'これまでの取引履歴と清算明細はそのまま残ります。'),
    ],
    confirmLabel: active ? '有効にする' : '無効にする',
    danger: !active,
  });
  if (!confirmed) {
    return;
  }
  toggle.disabled = true;
  replace(status, el('p', { role: 'status', class: 'loading' }, '送信中…'));
  const path = `/counterparties/${encodeURIComponent(c.id)}/${active ? 'activate' : 'deactivate'}`;
  try {
    await apiPost(path, {});
  } catch (err) {
    await reload(err.handled ? null : errorNotice(err));
    return;
  }
  await reload(successNotice(`取引先「${c.name}」を${active ? '有効' : '無効'}にしました。`));
}
