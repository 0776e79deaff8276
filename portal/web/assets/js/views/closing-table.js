// Closed months as a table: the list on the 締め処理 screen, where the
// months a closing just closed are marked 今回.

import { dataTable } from '../components/table.js';
import { workflowLink } from '../components/workflow-link.js';
import { el } from '../dom.js';
import { count, dateTimeJST, signedYen, yen } from '../format.js';

const columns = [
  { label: '対象月', className: 'cell-nowrap' },
  { label: '計上日', className: 'cell-nowrap' },
  { label: '締め日時' },
  { label: '実行' },
  { label: 'ブローカー数', className: 'cell-number' },
  { label: '約定数', className: 'cell-number' },
  { label: '売却合計', className: 'cell-number' },
  { label: '収支合計', className: 'cell-number' },
  { label: '調整数', className: 'cell-number' },
  { label: 'ワークフロー' },
];

// closingTable lists closings (as GET /api/v1/closings/{month} gives them)
// under caption, marking those whose month is in fresh.
export function closingTable(caption, closings, fresh = new Set()) {
  return dataTable({ caption, columns, rows: closings.map((c) => row(c, fresh.has(c.month))) });
}

function row(c, isFresh) {
  return [
    [c.fiscal_label, el('span', { class: 'cell-note' }, c.month),
      isFresh ? el('span', { class: 'badge badge-confirmed badge-fresh' }, '今回') : null],
    c.due_on,
    c.closed_at ? dateTimeJST(c.closed_at) : '—',
    triggerLabel(c.triggered_by),
    count(c.brokers),
    count(c.contracts),
    yen(c.total_sales),
    sumBadge(c.sum_balances),
    count(c.adjustments),
    workflowLink(c.workflow_url, 'Web UI で開く') || '—',
  ];
}

// sumBadge shows the sum of a month's balances over all brokers. It is zero
// when every yen one broker pays another is received; anything else stands
// out, as the closing has raised an alert.
function sumBadge(sum) {
  if (sum === 0) {
    return el('span', { class: 'badge badge-confirmed' }, '0円（一致）');
  }
  return el('span', { class: 'badge badge-open' }, `${signedYen(sum)}（不一致）`);
}

// triggerLabel says what started a closing: the schedule, an operator's
// 今すぐ締める or an operator's 一括締め.
function triggerLabel(triggeredBy) {
  const [kind, ...rest] = String(triggeredBy || '').split(':');
  const who = rest.join(':');
  const labels = {
    schedule: 'スケジュール（自動）',
    operator: `手動（${who}）`,
    backfill: `一括締め（${who}）`,
  };
  return labels[kind] || triggeredBy || '—';
}
