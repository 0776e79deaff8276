// アラート: what needs an operator, newest first, such as ingestions that
// stopped after their retries ran out.

import { apiGet } from '../api.js';
import { field } from '../components/form.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { dataTable } from '../components/table.js';
import { workflowLink } from '../components/workflow-link.js';
import { el, on, replace } from '../dom.js';
import { dateTimeJST } from '../format.js';
import { navigate } from '../navigation.js';
import { batchPath, recordPath, withQuery } from '../paths.js';

const pageSize = 50;

// Japanese names of the alert kinds (the Alert constants of the
// activities); an unknown kind is shown as it is.
const kindLabels = {
  ingestion_parked: '約定連携の停止',
  closing_failed: '締め処理の失敗',
  closing_zero_sum: '締めの収支合計の不一致',
  invoice_overdue: '請求の支払期限超過',
  mail_not_sent: 'メール未送信',
};

// subjectPages give the portal page of what an alert is about, from its
// subject: a batch's request id, a month, an invoice's id, or the key of a
// mail ("invoice:<id>:issued") whose bill names the broker to reach.
const subjectPages = {
  ingestion_parked: (subject) => batchPath(subject),
  closing_failed: () => '/closings',
  closing_zero_sum: () => '/closings',
  invoice_overdue: (subject) => recordPath('/invoices', subject),
  mail_not_sent: (subject) => mailBillPath(subject),
};

// mailBillPath is the page of the invoice or payment a mail's key names,
// or "" for any other mail.
function mailBillPath(key) {
  const [kind, id] = key.split(':');
  const lists = { invoice: '/invoices', payment: '/payments' };
  return lists[kind] && id ? recordPath(lists[kind], id) : '';
}

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

// subject links an alert to the record it is about, where there is a
// page, and to its workflow in the Temporal Web UI when the API gives the
// workflow's address.
function subject(alert) {
  const page = subjectPages[alert.kind] ? subjectPages[alert.kind](alert.subject) : '';
  const name = page ? el('a', { href: page }, alert.subject) : alert.subject;
  const workflow = workflowLink(alert.workflow_url, 'Web UI で開く');
  return workflow ? [name, el('br'), workflow] : name;
}

function alertsPath(all, page) {
  return withQuery('/alerts', { show: all ? 'all' : '', page: page > 1 ? page : '' });
}
