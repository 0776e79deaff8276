// A broker's settlement ledger as GET /api/v1/settlements gives it: the
// settlement balance (清算残高), the entries oldest first with the running
// balance after each, and the CSV download.

import { amount } from '../components/amount.js';
import { emptyState, successNotice } from '../components/notice.js';
import { dataTable } from '../components/table.js';
import { downloadText, toCSV } from '../csv.js';
import { el, on, replace } from '../dom.js';
import { brokerLabel, dateTodayJST } from '../format.js';

const columns = [
  { label: '収支', className: 'cell-number' },
  { label: '摘要' },
  { label: '更新日', className: 'cell-nowrap' },
  { label: '残高', className: 'cell-number' },
];

const actionColumn = { label: '操作', className: 'cell-action' };

// ledgerView shows the ledger. onReverse, given for operators, adds a 取消
// button to each entry that can still be reversed.
export function ledgerView(data, { onReverse = null } = {}) {
  const section = el('div', {}, summary(data));
  if (data.items.length === 0) {
    section.append(emptyState('清算明細はまだありません。',
      '月次の締めが済むと、その月の取引収支がここに計上されます。'));
    return section;
  }
  const reversed = new Set(data.items.filter((i) => i.reverses).map((i) => i.reverses));
  const rows = data.items.map((item) => {
    const cells = [amount(item.amount), description(item, reversed), item.date,
      amount(item.balance)];
    return onReverse ? [...cells, reverseButton(item, reversed, onReverse)] : cells;
  });
  section.append(
    csvDownload(data),
    el('p', { class: 'table-note' },
      '収支は各明細が清算残高に与える影響、残高はその明細を計上した後の清算残高です。'),
    dataTable({
      caption: `${brokerLabel(data.broker.name, data.broker.id)}の清算明細（更新日の古い順）`,
      columns: onReverse ? [...columns, actionColumn] : columns,
      rows,
    }));
  return section;
}

// summary is the header: whose ledger and the settlement balance with its
// sign spelled out, coloured and explained in words.
function summary(data) {
  return el('div', { class: 'summary' },
    el('p', {}, `データブローカー：${brokerLabel(data.broker.name, data.broker.id)}`),
    el('p', { class: 'summary-balance', id: 'settlement-balance' },
      '清算残高：', amount(data.balance)),
    el('p', { class: 'summary-note' }, balanceMeaning(data.balance)));
}

// balanceMeaning says who owes whom: a positive balance is owed to the
// broker by the clearing house, a negative one by the broker.
function balanceMeaning(balance) {
  if (balance > 0) {
    return 'プラス：清算機関がデータブローカーに支払う残高があります。';
  }
  if (balance < 0) {
    return 'マイナス：データブローカーが清算機関に支払う残高があります。';
  }
  return '未清算の残高はありません。';
}

// description is the 摘要 with what explains the entry: that it was
// reversed, the reason given and who or what recorded it.
function description(item, reversed) {
  const notes = [];
  if (item.reason) {
    notes.push(`理由：${item.reason}`);
  }
  notes.push(recordedBy(item.created_by));
  return [
    item.description,
    reversed.has(item.id) ? [' ', el('span', { class: 'badge badge-reversed' }, '取消済み')] : null,
    el('span', { class: 'cell-note' }, notes.join('　')),
  ];
}

// recordedBy names who recorded an entry: an operator by login id, or the
// workflow that posted it (the month's closing, an invoice and so on).
// TODO: link workflow-made entries to the Temporal Web UI once the ledger
// API returns their workflow_url; until then operators search by the id.
function recordedBy(createdBy) {
  const [kind, ...rest] = String(createdBy || '').split(':');
  const who = rest.join(':');
  if (kind === 'workflow') {
    return `自動計上（ワークフロー ${who}）`;
  }
  if (kind === 'operator') {
    return `記録者：${who}`;
  }
  return createdBy ? `記録者：${createdBy}` : '';
}

// reverseButton offers 取消 for an entry that is neither a reversal nor
// reversed already.
function reverseButton(item, reversed, onReverse) {
  if (item.kind === 'reversal' || reversed.has(item.id)) {
    return '—';
  }
  const button = el('button', {
    type: 'button', class: 'button button-small',
    'aria-label': `取消：${item.date} ${item.description}`,
  }, '取消');
  on(button, 'click', () => onReverse(item));
  return button;
}

// csvDownload is a button that offers the ledger shown as a CSV file.
function csvDownload(data) {
  const button = el('button', { type: 'button', class: 'button' }, 'CSVダウンロード');
  const status = el('div', { class: 'csv-status' });
  on(button, 'click', () => {
    const filename = `清算確認_${data.broker.id}_${dateTodayJST()}.csv`;
    downloadText(filename, toCSV(csvRows(data.items)));
    replace(status, successNotice(`CSVファイル（${data.items.length}件）をダウンロードしました。`));
  });
  return el('div', { class: 'toolbar' }, button, status);
}

function csvRows(items) {
  const header = ['更新日', '収支', '摘要', '残高', '理由', '記録者', '明細ID', '取消対象の明細ID'];
  return [header, ...items.map((i) => [
    i.date, i.amount, i.description, i.balance, i.reason || '', i.created_by, i.id,
    i.reverses || '',
  ])];
}
