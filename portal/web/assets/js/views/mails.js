// 送信メール: the mail outbox, newest first — every mail the clearing house
// sent (invoice notices, reminders, one-time codes), whether it left, and
// how. Without a mail service configured mail stays here, which is how
// operators read it in development.

import { apiGet } from '../api.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { dataTable } from '../components/table.js';
import { el, replace } from '../dom.js';
import { dateTimeJST } from '../format.js';
import { withQuery } from '../paths.js';

const pageSize = 50;

const transports = {
  outbox: '送信箱のみ（開発用）',
  ses: 'メール配信サービス',
};

const columns = [
  { label: '作成日時', className: 'cell-nowrap' },
  { label: '宛先' },
  { label: '件名・本文（件名を押すと本文を表示）' },
  { label: '送信日時・送信方法', className: 'cell-nowrap' },
];

// renderMails draws one page of the outbox.
export async function renderMails({ root, query }) {
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  const results = el('section', { class: 'results', 'aria-label': '送信メールの一覧' });
  root.append(el('p', { class: 'section-note' },
    '清算機関が送ったメール（請求書の発行通知、督促、ワンタイムパスワードなど）です。'), results);
  results.append(loadingNotice());
  try {
    const data = await apiGet('/mails', { page, page_size: pageSize });
    replace(results, mailList(data));
  } catch (err) {
    replace(results, err.handled ? null : errorNotice(err));
  }
}

function mailList(data) {
  if (data.items.length === 0) {
    return data.page > 1
      ? emptyState('このページに表示するメールはありません。',
        el('a', { href: mailsPath(1) }, '最初のページへ'))
      : emptyState('送信したメールはまだありません。');
  }
  const rows = data.items.map((m) => [
    dateTimeJST(m.created_at),
    m.to,
    el('details', { class: 'mail' },
      el('summary', {}, m.subject),
      el('pre', { class: 'mail-body' }, m.body)),
    [
      m.sent_at ? dateTimeJST(m.sent_at) : el('span', { class: 'badge badge-open' }, '未送信'),
      el('span', { class: 'cell-note' }, transports[m.transport] || m.transport),
    ],
  ]);
  return el('div', {},
    dataTable({ caption: '送信メール（新しい順）', columns, rows }),
    pager({
      page: data.page, pageSize: data.page_size, shown: data.items.length,
      hrefFor: mailsPath,
    }));
}

function mailsPath(page) {
  return withQuery('/mails', { page: page > 1 ? page : '' });
}
