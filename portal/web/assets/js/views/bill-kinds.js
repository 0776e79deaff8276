// What differs between 請求 (invoices, which bill a broker that owes) and
// 支払 (payments, which pay a broker that is owed): names, API paths, the
// date each carries, its PDF and its statuses. The screens that list, show,
// register and update both read them from here.

import { apiHref } from '../api.js';
import { el } from '../dom.js';

export const invoiceKind = {
  kind: 'invoice',
  api: '/invoices',
  list: '/invoices',
  // key names the record in GET /api/v1/invoices/{id}.
  key: 'invoice',
  noun: '請求書',
  listTitle: '請求管理',
  registerTitles: ['請求書登録', '請求書登録確認', '請求書登録完了'],
  updateTitles: ['請求書更新', '請求書更新確認', '請求書更新完了'],
  date: { name: 'due_date', label: '支払期限', hint: 'データブローカーが支払う期限の日' },
  searchDate: '発行日',
  // doc.attach names the screen where the PDF is registered.
  doc: {
    name: 'pdf_base64', label: '請求書PDF', path: 'pdf', attach: '更新',
    present: (r) => r.has_pdf,
  },
  statuses: [
    { value: 'draft', label: '下書き' },
    { value: 'issued', label: '発行済み' },
    { value: 'overdue', label: '期限超過' },
    { value: 'paid', label: '入金済み' },
    { value: 'void', label: '取消' },
  ],
  // name is how a record is called on screen: its number once issued.
  name: (r) => r.number || '未採番（下書き）',
};

export const paymentKind = {
  kind: 'payment',
  api: '/payments',
  list: '/payments',
  key: 'payment',
  noun: '支払',
  listTitle: '支払管理',
  registerTitles: ['支払登録', '支払登録確認', '支払登録完了'],
  updateTitles: ['支払更新', '支払更新確認', '支払更新完了'],
  date: { name: 'scheduled_on', label: '支払予定日', hint: '清算機関がデータブローカーに支払う予定の日' },
  searchDate: '支払予定日',
  doc: {
    name: 'statement_pdf_base64', label: '支払明細書', path: 'statement', attach: '支払明細書登録',
    present: (r) => r.has_statement,
  },
  statuses: [
    { value: 'draft', label: '下書き' },
    { value: 'approved', label: '承認済み' },
    { value: 'paid', label: '支払済み' },
    { value: 'void', label: '取消' },
  ],
  name: (r) => r.id,
};

// statusLabel names a status; an unknown one is shown as the API sent it.
export function statusLabel(kind, status) {
  const s = kind.statuses.find((x) => x.value === status);
  return s ? s.label : status;
}

// statusBadge shows a status, coloured by what it asks of people.
export function statusBadge(kind, status) {
  return el('span', { class: `badge badge-bill-${status}` }, statusLabel(kind, status));
}

// docHref is the download address of a record's PDF.
export function docHref(kind, id) {
  return apiHref(`${kind.api}/${encodeURIComponent(id)}/${kind.doc.path}`);
}

// docLink links to a record's PDF for download, or says there is none.
export function docLink(kind, record, label = 'ダウンロード') {
  if (!kind.doc.present(record)) {
    return el('span', { class: 'cell-note' }, '未添付');
  }
  return el('a', { href: docHref(kind, record.id), class: 'doc-link' }, label);
}
