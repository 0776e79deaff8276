// One page of invoices or payments as a table: each row links to the
// record's page and to its PDF.

import { actorName } from '../audit.js';
import { dataTable } from '../components/table.js';
import { el } from '../dom.js';
import { brokerLabel, dateJST, period, yen } from '../format.js';
import { recordPath } from '../paths.js';
import { docLink, statusBadge } from './bill-kinds.js';

// columnsFor lists a kind's columns; operators also see who registered
// and approved payments.
function columnsFor(kind, operator) {
  const first = kind.kind === 'invoice' ? '請求番号' : '支払ID';
  const columns = [
    { label: first, className: 'cell-nowrap' },
    { label: 'データブローカー' },
    { label: '金額', className: 'cell-number' },
    { label: '対象期間', className: 'cell-nowrap' },
    { label: kind.date.label, className: 'cell-nowrap' },
    { label: '状態', className: 'cell-nowrap' },
  ];
  if (kind.kind === 'invoice') {
    columns.push({ label: '発行日', className: 'cell-nowrap' });
  } else if (operator) {
    columns.push({ label: '登録者' }, { label: '承認者' });
  }
  columns.push({ label: kind.doc.label, className: 'cell-nowrap' });
  return columns;
}

function row(kind, r, operator) {
  const link = el('a', { href: recordPath(kind.list, r.id) }, kind.name(r));
  const cells = [
    kind.kind === 'invoice' ? [link, el('span', { class: 'cell-note' }, r.id)] : link,
    brokerLabel(r.broker_name, r.broker_id),
    yen(r.amount),
    period(r.period_from, r.period_to) || '—',
    r[kind.date.name],
    statusBadge(kind, r.status),
  ];
  if (kind.kind === 'invoice') {
    cells.push(r.issued_at ? dateJST(r.issued_at) : '—');
  } else if (operator) {
    cells.push(actorName(r.created_by), r.approved_by ? actorName(r.approved_by) : '—');
  }
  cells.push(docLink(kind, r));
  return cells;
}

// billTable shows items under caption.
export function billTable(kind, items, { caption, operator }) {
  return dataTable({
    caption,
    columns: columnsFor(kind, operator),
    rows: items.map((r) => row(kind, r, operator)),
  });
}
