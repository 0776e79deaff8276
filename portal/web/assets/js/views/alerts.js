// アラート: what needs an operator, newest first, such as ingestions that
// stopped after their retries ran out.

import { apiGet } from '../api.js';
import { field } from '../components/form.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { dataTable } from '../components/table.js';
import { el, on, replace } from '../dom.js';
import { dateTimeJST } from '../format.js';
import { navigate } from '../navigation.js';
import { batchPath, withQuery } from '../paths.js';

const pageSize = 50;

// Japanese names of the alert kinds; an unknown kind is shown as it is.
const kindLabels = {
  ingestion_parked: '約定連携の停止',
};

const columns = [
  { label: '発生日時' },
  { label: '種別' },
  { label: '対象' },
  { label: '内容' },
  { label: '状態' },
];

// renderAlerts draws the filter and one page of alerts. Unresolved alerts
// are shown unless all are asked for (?show=all).
export async function renderAlerts({ root, query }) {
  const all = query.get('show') === 'all';
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  const results = el('section', { class: 'results', 'aria-label': 'アラートの一覧' });
  root.append(filterForm(all), results);
  results.append(loadingNotice());

  const filter = { open: all ? '' : 'true', page, page_size: pageSize };
  try {
    replace(results, alertList(await apiGet('/alerts', filter), all));
  } catch (err) {
    if (!err.handled) {
      replace(results, errorNotice(err));
    }
  }
}

function filterForm(all) {
  const select = el('select', { name: 'show' },
    el('option', { value: '', selected: !all }, '未解決のみ'),
    el('option', { value: 'all', selected: all }, 'すべて'));
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '表示');
  const form = el('form', { class: 'form form-inline', role: 'search' },
    field('表示するアラート', select).wrapper, el('div', { class: 'form-actions' }, submit));
  on(form, 'submit', (event) => {
    event.preventDefault();
    navigate(alertsPath(select.value === 'all', 1));
  });
  return form;
}

function alertList(data, all) {
  if (data.items.length === 0 && data.page > 1) {
    return emptyState('このページに表示するアラートはありません。',
      el('a', { href: alertsPath(all, 1) }, '最初のページへ'));
  }
  if (data.items.length === 0) {
    return all
      ? emptyState('アラートはありません。')
      : emptyState('未解決のアラートはありません。', '解決済みを見るには「すべて」を選んでください。');
  }
  return el('div', {},
    dataTable({ caption: 'アラート（発生日時の新しい順）', columns, rows: data.items.map(row) }),
    pager({
      page: data.page, pageSize: data.page_size, shown: data.items.length,
      hrefFor: (n) => alertsPath(all, n),
    }));
}

function row(alert) {
  const resolved = alert.resolved_at
    ? `解決済み（${dateTimeJST(alert.resolved_at)}）`
    : el('span', { class: 'badge badge-open' }, '未解決');
  return [
    dateTimeJST(alert.created_at),
    kindLabels[alert.kind] || alert.kind,
    subject(alert),
    alert.message,
    resolved,
  ];
}

// subject links an alert to the record it is about, where there is a page.
function subject(alert) {
  if (alert.kind === 'ingestion_parked') {
    return el('a', { href: batchPath(alert.subject) }, alert.subject);
  }
  return alert.subject;
}

function alertsPath(all, page) {
  return withQuery('/alerts', { show: all ? 'all' : '', page: page > 1 ? page : '' });
}
