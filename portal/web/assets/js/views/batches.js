// 連携バッチ: the contract batches the market sent, newest first, with a
// filter by state. Parked batches need an operator: their page offers
// 再実行 and 破棄.

import { apiGet } from '../api.js';
import { field } from '../components/form.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { dataTable } from '../components/table.js';
import { el, on, replace } from '../dom.js';
import { count, dateTimeJST } from '../format.js';
import { navigate } from '../navigation.js';
import { batchPath, withQuery } from '../paths.js';
import { batchStates, batchStatusBadge } from './batch-status.js';

const pageSize = 50;

const columns = [
  { label: 'リクエストID' },
  { label: '状態' },
  { label: '約定件数', className: 'cell-number' },
  { label: '登録', className: 'cell-number' },
  { label: '重複', className: 'cell-number' },
  { label: '不一致', className: 'cell-number' },
  { label: '受信日時' },
  { label: '完了日時' },
];

// renderBatches draws the filter and one page of batches.
export async function renderBatches({ root, query }) {
  const known = batchStates.some((s) => s.value === query.get('status'));
  const status = known ? query.get('status') : '';
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  const results = el('section', { class: 'results', 'aria-label': '連携バッチの一覧' });
  root.append(filterForm(status), results);
  results.append(loadingNotice());

  try {
    const data = await apiGet('/contract-batches', { status, page, page_size: pageSize });
    replace(results, batchList(data, status));
  } catch (err) {
    if (!err.handled) {
      replace(results, errorNotice(err));
    }
  }
}

function filterForm(status) {
  const select = el('select', { name: 'status' },
    el('option', { value: '' }, 'すべて'),
    batchStates.map((s) => el('option', { value: s.value, selected: s.value === status },
      s.label)));
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '表示');
  const form = el('form', { class: 'form form-inline', role: 'search' },
    field('状態', select).wrapper, el('div', { class: 'form-actions' }, submit));
  on(form, 'submit', (event) => {
    event.preventDefault();
    navigate(batchesPath(select.value, 1));
  });
  return form;
}

function batchList(data, status) {
  if (data.items.length === 0 && data.page > 1) {
    return emptyState('このページに表示するバッチはありません。',
      el('a', { href: batchesPath(status, 1) }, '最初のページへ'));
  }
  if (data.items.length === 0) {
    const todo = status
      ? '状態を「すべて」にすると、ほかの状態のバッチも表示します。'
      : '取引市場から約定が送られると、ここに表示されます。';
    return emptyState('該当する連携バッチはありません。', todo);
  }
  const rows = data.items.map((b) => [
    el('a', { href: batchPath(b.request_id) }, b.request_id),
    batchStatusBadge(b.status),
    count(b.contracts), count(b.stored), count(b.duplicate), count(b.conflicting),
    dateTimeJST(b.received_at),
    b.finished_at ? dateTimeJST(b.finished_at) : '—',
  ]);
  return el('div', {},
    dataTable({ caption: '連携バッチ（受信日時の新しい順）', columns, rows }),
    pager({
      page: data.page, pageSize: data.page_size, shown: data.items.length,
      total: data.total, hrefFor: (n) => batchesPath(status, n),
    }));
}

function batchesPath(status, page) {
  return withQuery('/batches', { status, page: page > 1 ? page : '' });
}
